package dev.tuneline.stack;

import dev.tuneline.events.Topics;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates every Tuneline topic that does not exist yet. Usage: {@code CreateTopics <bootstrap> [partitions]}. */
public final class CreateTopics {
    private CreateTopics() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Set<String> existing = new HashSet<>(admin.listTopics().names().get());
            var missing = Topics.ALL.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, (short) 1)).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
            System.out.println("topics ready: " + Topics.ALL.size() + " (" + missing.size() + " created)");
        }
    }
}
