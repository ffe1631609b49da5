package dev.marquee.model;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Draws a {@link LearningCurve} (train and validation RMSE per epoch) as a PNG, headless. */
public final class LearningCurvePlot {
    public static final String FILE_NAME = "learning_curve.png";
    private static final int WIDTH = 640;
    private static final int HEIGHT = 400;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 30;
    private static final int BOTTOM = 40;
    private static final Color TRAIN = new Color(31, 119, 180);
    private static final Color VALIDATION = new Color(255, 127, 14);

    private LearningCurvePlot() {}

    public static void write(LearningCurve curve, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<LearningCurve.Epoch> epochs = curve.epochs();
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (LearningCurve.Epoch e : epochs) {
                for (double v : new double[] {e.trainRmse(), e.validationRmse()}) {
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
            if (!(hi > lo)) {
                lo = Double.isFinite(lo) ? lo - 0.5 : 0;
                hi = lo + 1;
            }
            int n = Math.max(2, epochs.size());
            int plotW = WIDTH - LEFT - RIGHT;
            int plotH = HEIGHT - TOP - BOTTOM;
            g.setColor(Color.GRAY);
            g.drawRect(LEFT, TOP, plotW, plotH);
            g.setColor(Color.BLACK);
            for (int i = 0; i <= 4; i++) {
                double v = lo + (hi - lo) * i / 4;
                int y = TOP + plotH - (int) Math.round(plotH * i / 4.0);
                g.drawString(String.format(Locale.ROOT, "%.3f", v), 5, y + 4);
            }
            g.drawString("epoch 1", LEFT, HEIGHT - 15);
            g.drawString("epoch " + epochs.size(), WIDTH - RIGHT - 60, HEIGHT - 15);
            g.drawString("RMSE per epoch:", LEFT, 18);
            g.setColor(TRAIN);
            g.drawString("train", LEFT + 110, 18);
            g.setColor(VALIDATION);
            g.drawString("validation", LEFT + 160, 18);
            g.setStroke(new BasicStroke(2f));
            for (int series = 0; series < 2; series++) {
                g.setColor(series == 0 ? TRAIN : VALIDATION);
                int px = -1;
                int py = -1;
                for (int i = 0; i < epochs.size(); i++) {
                    double v = series == 0 ? epochs.get(i).trainRmse() : epochs.get(i).validationRmse();
                    if (!Double.isFinite(v)) {
                        continue;
                    }
                    int x = LEFT + (int) Math.round(plotW * (double) i / (n - 1));
                    int y = TOP + plotH - (int) Math.round(plotH * (v - lo) / (hi - lo));
                    if (px >= 0) {
                        g.drawLine(px, py, x, y);
                    }
                    g.fillOval(x - 2, y - 2, 5, 5);
                    px = x;
                    py = y;
                }
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(img, "png", file.toFile());
    }
}
