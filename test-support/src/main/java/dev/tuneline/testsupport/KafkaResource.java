package dev.tuneline.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import dev.tuneline.events.Topics;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Quarkus test resource with a real Kafka broker: an in-JVM KRaft node from {@link KafkaClusterTestKit}, shared
 * by every test class of the JVM, or the broker named by {@code KAFKA_BOOTSTRAP_SERVERS} when that is set.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {
    private static KafkaClusterTestKit cluster;
    private static String bootstrap;

    /** Bootstrap servers of the shared broker, starting it on first use. */
    public static synchronized String bootstrapServers() {
        if (bootstrap != null) {
            return bootstrap;
        }
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (external != null && !external.isBlank()) {
            bootstrap = external;
            return bootstrap;
        }
        try {
            TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                    .setNumControllerNodes(1).build();
            cluster = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("auto.create.topics.enable", "true")
                    .setConfigProp("num.partitions", "3")
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "3")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("message.max.bytes", String.valueOf(4 * 1024 * 1024))
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            bootstrap = cluster.bootstrapServers();
            createTopics(bootstrap);
            Runtime.getRuntime().addShutdownHook(new Thread(KafkaResource::stopQuietly, "kafka-test-stop"));
            return bootstrap;
        } catch (Exception e) {
            throw new IllegalStateException("could not start the in-JVM Kafka broker", e);
        }
    }

    /** Creates every Tuneline topic (3 partitions) so consumers never wait for a metadata refresh. */
    static void createTopics(String servers) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
            admin.createTopics(Topics.ALL.stream().map(t -> new NewTopic(t, 3, (short) 1)).toList()).all().get();
        }
    }

    private static synchronized void stopQuietly() {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception ignored) {
                // shutting down anyway
            }
            cluster = null;
        }
    }

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers());
    }

    @Override
    public void stop() {
        // shared across test classes; stopped by the JVM shutdown hook after Quarkus has stopped
    }
}
