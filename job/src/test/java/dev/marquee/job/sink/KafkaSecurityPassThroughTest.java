package dev.marquee.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.config.SecretMasking;
import dev.marquee.data.replay.ReplayCommand;
import dev.marquee.data.replay.ReplayOptions;
import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.DeliveryGuarantee;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.config.TriggerSettings;
import dev.marquee.job.score.KafkaModelUpdates;
import dev.marquee.job.score.MicroBatchOperator;
import dev.marquee.job.trigger.RetrainTriggerJob;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.transformations.SinkTransformation;
import org.apache.flink.streaming.api.transformations.SourceTransformation;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * Kafka client security settings (SASL/SCRAM over TLS) given as {@code kafka.property.*} reach every Kafka source
 * and sink the jobs build, and the CLIs' own {@code --producer-prop}/{@code --consumer-prop}; their secret values
 * never appear in what is printed or logged. Verified on the built connector objects, not against a SASL broker
 * (docs/RELIABILITY.md, "Security").
 */
class KafkaSecurityPassThroughTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"marquee-scoring\" password=\"jaas-s3cret\";";
    private static final String TRUSTSTORE_PASSWORD = "trust-s3cret";
    private static final Map<String, String> SECURITY = Map.of(
            CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL",
            SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512",
            SaslConfigs.SASL_JAAS_CONFIG, JAAS,
            SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, "/etc/marquee/kafka/truststore.p12",
            SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12",
            SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, TRUSTSTORE_PASSWORD,
            SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "https");

    private static Map<String, String> settings(DeliveryGuarantee delivery) {
        Map<String, String> m = new HashMap<>();
        m.put(JobSettings.BOOTSTRAP, "broker-1.example:9093");
        m.put(JobSettings.DELIVERY, delivery == DeliveryGuarantee.EXACTLY_ONCE ? "exactly-once" : "at-least-once");
        SECURITY.forEach((k, v) -> m.put(JobSettings.KAFKA_PROPERTY_PREFIX + k, v));
        return m;
    }

    @ParameterizedTest
    @EnumSource(DeliveryGuarantee.class)
    void everySourceAndSinkOfTheScoringJobCarriesTheSecuritySettings(DeliveryGuarantee delivery) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.buildWithKafka(env, JobSettings.from(settings(delivery)));

        BuiltClients built = BuiltClients.of(env);
        assertThat(built.sources).as("requests").hasSizeGreaterThanOrEqualTo(1);
        assertThat(built.updateFeeds).as("model updates, read by the scorer itself").hasSize(1);
        assertThat(built.sinks).as("predictions, dead letters, model status").hasSizeGreaterThanOrEqualTo(3);
        built.assertEachCarries(SECURITY);
        // a transactional producer's aborted records were never sent: not scored, not learned, at either guarantee
        for (KafkaSource<?> source : built.sources) {
            assertThat(BuiltClients.sourceProperties(source)).as("requests and labels")
                    .containsEntry("isolation.level", "read_committed");
        }
        assertThat(built.updateFeeds.get(0).consumerProperties()).containsEntry("isolation.level", "read_committed");
    }

    @Test
    void atLeastOnceAUserMayReadUncommitted() throws Exception {
        Map<String, String> m = settings(DeliveryGuarantee.AT_LEAST_ONCE);
        m.put(JobSettings.KAFKA_PROPERTY_PREFIX + "isolation.level", "read_uncommitted");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.buildWithKafka(env, JobSettings.from(m));

        BuiltClients built = BuiltClients.of(env);
        assertThat(built.sources).isNotEmpty().allSatisfy(source -> assertThat(BuiltClients.sourceProperties(source))
                .containsEntry("isolation.level", "read_uncommitted"));
    }

    /** At exactly-once the job reads committed records whatever it is given: an aborted request must get no outcome. */
    @Test
    void exactlyOnceReadsCommittedWhateverItIsGiven() throws Exception {
        Map<String, String> m = settings(DeliveryGuarantee.EXACTLY_ONCE);
        m.put(JobSettings.KAFKA_PROPERTY_PREFIX + "isolation.level", "read_uncommitted");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.buildWithKafka(env, JobSettings.from(m));

        BuiltClients built = BuiltClients.of(env);
        assertThat(built.sources).isNotEmpty().allSatisfy(source -> assertThat(BuiltClients.sourceProperties(source))
                .containsEntry("isolation.level", "read_committed"));
        assertThat(built.updateFeeds.get(0).consumerProperties()).containsEntry("isolation.level", "read_committed");
    }

    @ParameterizedTest
    @EnumSource(DeliveryGuarantee.class)
    void everySourceAndSinkOfTheRetrainingTriggerCarriesTheSecuritySettings(DeliveryGuarantee delivery) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RetrainTriggerJob.buildWithKafka(env, TriggerSettings.from(settings(delivery)), false);

        BuiltClients built = BuiltClients.of(env);
        assertThat(built.sources).as("drift reports, retrain outcomes, model updates").hasSizeGreaterThanOrEqualTo(3);
        assertThat(built.sinks).as("retrain requests").hasSizeGreaterThanOrEqualTo(1);
        built.assertEachCarries(SECURITY);
        for (KafkaSource<?> source : built.sources) {
            assertThat(BuiltClients.sourceProperties(source))
                    .as("drift reports of an aborted transaction never count, whatever the trigger's own guarantee")
                    .containsEntry("isolation.level", "read_committed");
        }
    }

    @Test
    void theSettingsPrintWithTheirSecretsMasked() {
        JobSettings s = JobSettings.from(settings(DeliveryGuarantee.AT_LEAST_ONCE));

        for (String shown : List.of(s.describe(), s.toString())) {
            assertThat(shown).doesNotContain("jaas-s3cret").doesNotContain(TRUSTSTORE_PASSWORD)
                    .contains("kafka.property.sasl.jaas.config=" + SecretMasking.MASK)
                    .contains("kafka.property.ssl.truststore.password=" + SecretMasking.MASK)
                    .contains("kafka.property.security.protocol=SASL_SSL")
                    .contains("kafka.property.sasl.mechanism=SCRAM-SHA-512")
                    .contains("kafka.bootstrap-servers=broker-1.example:9093");
        }
        // masking is for display only: the clients still get the real values
        assertThat(s.kafkaProperties()).containsEntry(SaslConfigs.SASL_JAAS_CONFIG, JAAS);
    }

    @Test
    void theKafkaClientsOwnConfigurationLogHidesTheSecrets() throws Exception {
        // The same properties a sink hands its producer; PLAINTEXT to an unused address so that the client starts
        // without a broker or a truststore. Kafka logs every client's configuration at start-up (INFO).
        Properties props = BuiltClients.sinkProperties(firstSink());
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

        String log = captureKafkaLog(() -> new KafkaProducer<byte[], byte[]>(props).close(java.time.Duration.ZERO));

        assertThat(log).contains("ProducerConfig values").contains("sasl.jaas.config = [hidden]")
                .contains("ssl.truststore.password = [hidden]");
        assertThat(log).doesNotContain("jaas-s3cret").doesNotContain(TRUSTSTORE_PASSWORD);
    }

    @Test
    void aSecretCanStayOutOfTheArgumentsThroughAKafkaConfigProvider(@TempDir Path dir) throws Exception {
        Path secrets = dir.resolve("kafka-secrets.properties");
        Files.writeString(secrets, "truststore.password=" + TRUSTSTORE_PASSWORD + "\n");
        Map<String, String> m = settings(DeliveryGuarantee.AT_LEAST_ONCE);
        m.put("kafka.property.config.providers", "file");
        m.put("kafka.property.config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        String reference = "${file:" + secrets + ":truststore.password}";
        m.put("kafka.property." + SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, reference);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.buildWithKafka(env, JobSettings.from(m));

        // the job carries only the reference; the Kafka client resolves it when it starts
        Properties sink = BuiltClients.sinkProperties(BuiltClients.of(env).sinks.get(0));
        assertThat(sink.getProperty(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG)).isEqualTo(reference);
        sink.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        sink.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        ProducerConfig resolved = new ProducerConfig(sink);
        assertThat(resolved.getPassword(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG).value()).isEqualTo(TRUSTSTORE_PASSWORD);
    }

    @Test
    void theClisPassTheirSecurityPropertiesThroughWhole() {
        // --producer-prop (replay), --consumer-prop (tail, dashboard, audit): KEY=VALUE split at the first '=',
        // so a JAAS configuration, full of '=' and spaces, arrives intact.
        List<String> args = new ArrayList<>();
        SECURITY.forEach((k, v) -> {
            args.add("--producer-prop");
            args.add(k + "=" + v);
        });
        ReplayOptions options = CommandLine.populateCommand(new ReplayCommand(), args.toArray(new String[0])).options();

        assertThat(options.producerProperties).containsAllEntriesOf(SECURITY);
    }

    private static KafkaSink<?> firstSink() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.buildWithKafka(env, JobSettings.from(settings(DeliveryGuarantee.AT_LEAST_ONCE)));
        return BuiltClients.of(env).sinks.get(0);
    }

    private static String captureKafkaLog(Runnable action) {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        String loggerName = "org.apache.kafka";
        Level before = LogManager.getLogger(loggerName).getLevel();
        StringWriter out = new StringWriter();
        WriterAppender appender = WriterAppender.newBuilder().setName("capture-kafka-config").setTarget(out)
                .setLayout(PatternLayout.newBuilder().withPattern("%m%n").build()).build();
        appender.start();
        Configurator.setLevel(loggerName, Level.INFO);
        LoggerConfig config = ctx.getConfiguration().getLoggerConfig(loggerName);
        config.addAppender(appender, Level.INFO, null);
        ctx.updateLoggers();
        try {
            action.run();
        } finally {
            config.removeAppender(appender.getName());
            Configurator.setLevel(loggerName, before);
            ctx.updateLoggers();
            appender.stop();
        }
        return out.toString();
    }

    /** The Kafka sources and sinks of a built (not executed) job, found by walking its transformations. */
    static final class BuiltClients {
        final List<KafkaSource<?>> sources = new ArrayList<>();
        final List<KafkaSink<?>> sinks = new ArrayList<>();
        final List<KafkaModelUpdates> updateFeeds = new ArrayList<>();

        static BuiltClients of(StreamExecutionEnvironment env) {
            Set<Transformation<?>> all = new LinkedHashSet<>();
            for (Transformation<?> t : env.getTransformations()) {
                all.add(t);
                all.addAll(t.getTransitivePredecessors());
            }
            BuiltClients b = new BuiltClients();
            for (Transformation<?> t : all) {
                if (t instanceof SourceTransformation && ((SourceTransformation<?, ?, ?>) t).getSource() instanceof KafkaSource) {
                    b.sources.add((KafkaSource<?>) ((SourceTransformation<?, ?, ?>) t).getSource());
                }
                if (t instanceof OneInputTransformation<?, ?> one && one.getOperatorFactory() instanceof SimpleOperatorFactory<?> f
                        && f.getOperator() instanceof MicroBatchOperator<?, ?, ?, ?> op && op.controls() instanceof KafkaModelUpdates k) {
                    b.updateFeeds.add(k);
                }
                if (t instanceof SinkTransformation && ((SinkTransformation<?, ?>) t).getSink() instanceof KafkaSink) {
                    b.sinks.add((KafkaSink<?>) ((SinkTransformation<?, ?>) t).getSink());
                }
            }
            return b;
        }

        void assertEachCarries(Map<String, String> expected) throws Exception {
            for (KafkaSource<?> s : sources) assertThat(sourceProperties(s)).as("a source").containsAllEntriesOf(expected);
            for (KafkaSink<?> s : sinks) assertThat(sinkProperties(s)).as("a sink").containsAllEntriesOf(expected);
            for (KafkaModelUpdates f : updateFeeds) {
                assertThat(f.consumerProperties()).as("a scorer's model-updates consumer").containsAllEntriesOf(expected);
            }
        }

        // The connector keeps its client properties private; reading the field checks what the clients will get.
        static Properties sourceProperties(KafkaSource<?> source) throws ReflectiveOperationException {
            return (Properties) read(KafkaSource.class, source, "props");
        }

        static Properties sinkProperties(KafkaSink<?> sink) {
            try {
                Properties copy = new Properties();
                copy.putAll((Properties) read(KafkaSink.class, sink, "kafkaProducerConfig"));
                return copy;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("flink-connector-kafka changed its KafkaSink fields", e);
            }
        }

        private static Object read(Class<?> type, Object target, String name) throws ReflectiveOperationException {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(target);
        }
    }
}
