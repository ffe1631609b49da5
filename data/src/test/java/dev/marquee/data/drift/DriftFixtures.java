package dev.marquee.data.drift;

import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.SourcePosition;
import dev.marquee.data.profile.Histogram;
import dev.marquee.data.profile.ReferenceProfile;
import java.util.Random;

/** A small reference profile and predictions drawn from it or from shifted distributions. */
public final class DriftFixtures {
    public static final int USERS = 200;
    public static final int TITLES = 100;
    /** 1998-01-01 00:00 UTC and a span of 90 days. */
    public static final long T0 = 883_612_800L;
    public static final long SPAN = 90L * 86_400;

    private DriftFixtures() {}

    public static ReferenceProfile profile(long seed) {
        Random random = new Random(seed);
        ReferenceProfile.Builder b = ReferenceProfile.builder().topK(20);
        double[] predictions = new double[5_000];
        for (int i = 0; i < 20_000; i++) {
            b.add(user(random), title(random), 1 + random.nextInt(5), timestamp(random));
            if (i < predictions.length) predictions[i] = rating(random);
        }
        return b.build().withPrediction(Histogram.of(Histogram.predictionEdges(), predictions), "validation");
    }

    /** Users with a skewed popularity, as in MovieLens: low ids rate more. */
    public static String user(Random random) {
        return Integer.toString(1 + (int) (USERS * Math.pow(random.nextDouble(), 2)));
    }

    public static String title(Random random) {
        return "Movie " + (1 + (int) (TITLES * Math.pow(random.nextDouble(), 1.5))) + " (1997)";
    }

    public static long timestamp(Random random) {
        return T0 + (long) (random.nextDouble() * SPAN);
    }

    public static double rating(Random random) {
        return Math.max(1, Math.min(5, 3.5 + random.nextGaussian() * 0.6));
    }

    public static Prediction prediction(String user, String title, long timestamp, double rating, long version, long kafkaTs, long scoredAt) {
        Prediction p = new Prediction();
        p.requestId = user + "/" + title;
        p.userId = user;
        p.movieTitle = title;
        p.timestamp = timestamp;
        p.predictedRating = (float) rating;
        p.output3 = new float[] {(float) rating};
        p.modelVersion = version;
        p.source = new SourcePosition("requests", 0, 0, kafkaTs);
        p.scoredAtMs = scoredAt;
        return p;
    }

    /** A prediction drawn from the same distributions as {@link #profile}. */
    public static Prediction stationary(Random random, long version, long now) {
        return prediction(user(random), title(random), timestamp(random), rating(random), version, now - 20, now);
    }
}
