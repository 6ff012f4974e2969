package dev.tuneline.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates NetworkPolicies the way Kubernetes does, over the pods a rendering will create: the
 * Deployments' pods, the pods the operators create (Strimzi brokers, CloudNativePG instances) and
 * a few fixed outsiders (KEDA's operator and another KEDA pod, CloudNativePG's operator, cluster
 * DNS, a client outside the cluster). Strimzi's generated policy for each Kafka listener (from its networkPolicyPeers) is
 * included.
 */
final class NetworkModel {

    /** A pod (real or stand-in): namespace, labels, named ports. {@code outside} marks a non-cluster address. */
    record Pod(String name, String namespace, Map<String, Object> labels, Map<String, Integer> namedPorts,
            boolean outside) {
    }

    /** One policy: namespace, pod selector, the directions it isolates and its ingress / egress rules. */
    record Policy(String name, String namespace, Map<String, Object> podSelector, boolean ingress, boolean egress,
            List<Map<String, Object>> ingressRules, List<Map<String, Object>> egressRules) {
    }

    private final List<Policy> policies = new ArrayList<>();
    private final Map<String, Map<String, Object>> namespaceLabels = new HashMap<>();

    /** Declares the labels of a namespace (kubernetes.io/metadata.name is added). */
    void namespace(String name, Map<String, Object> labels) {
        Map<String, Object> all = new HashMap<>(labels);
        all.put("kubernetes.io/metadata.name", name);
        namespaceLabels.put(name, all);
    }

    /** Adds a NetworkPolicy document. */
    void addPolicy(Map<String, Object> doc) {
        Map<String, Object> spec = Yamls.map(doc, "spec");
        List<Object> types = Yamls.list(spec, "policyTypes");
        boolean egressRules = spec.containsKey("egress");
        boolean ingress = types.isEmpty() || types.contains("Ingress");
        boolean egress = types.isEmpty() ? egressRules : types.contains("Egress");
        policies.add(new Policy(Manifests.ref(doc), Yamls.str(doc, "metadata.namespace"),
                Yamls.map(spec, "podSelector"), ingress, egress, Yamls.maps(spec, "ingress"),
                Yamls.maps(spec, "egress")));
    }

    /** Adds the policy Strimzi generates for a listener: ingress from its peers (or anyone) on its port. */
    void addListenerPolicy(String name, String namespace, Map<String, Object> podSelector, int port,
            List<Map<String, Object>> peers) {
        Map<String, Object> rule = new HashMap<>();
        rule.put("ports", List.of(Map.of("protocol", "TCP", "port", port)));
        if (!peers.isEmpty()) {
            rule.put("from", peers);
        }
        policies.add(new Policy(name, namespace, podSelector, true, false, List.of(rule), List.of()));
    }

    /** Whether some policy selects the pod for the given direction (then only its rules let traffic through). */
    boolean isolated(Pod pod, boolean ingress) {
        return policies.stream().anyMatch(p -> (ingress ? p.ingress() : p.egress()) && selects(p, pod));
    }

    /** Whether any policy selects the pod at all. */
    boolean selectsAny(Map<String, Object> selector, String namespace, List<Pod> pods) {
        return pods.stream().anyMatch(p -> p.namespace().equals(namespace) && matches(selector, p.labels()));
    }

    /** Whether a connection from {@code src} to {@code dst} on {@code port}/{@code protocol} is allowed. */
    boolean allowed(Pod src, Pod dst, int port, String protocol) {
        boolean egressOk = src.outside() || direction(src, dst, port, protocol, false);
        boolean ingressOk = dst.outside() || direction(dst, src, port, protocol, true);
        return egressOk && ingressOk;
    }

    /** For ingress: may {@code peer} reach {@code self}; for egress: may {@code self} reach {@code peer}. */
    private boolean direction(Pod self, Pod peer, int port, String protocol, boolean ingress) {
        List<Policy> selecting = policies.stream()
                .filter(p -> (ingress ? p.ingress() : p.egress()) && selects(p, self)).toList();
        if (selecting.isEmpty()) {
            return true;
        }
        Pod portOwner = ingress ? self : peer;
        for (Policy p : selecting) {
            for (Map<String, Object> rule : ingress ? p.ingressRules() : p.egressRules()) {
                List<Map<String, Object>> peers = Yamls.maps(rule, ingress ? "from" : "to");
                boolean peerOk = !rule.containsKey(ingress ? "from" : "to")
                        || peers.stream().anyMatch(q -> peerMatches(q, p.namespace(), peer));
                if (peerOk && portMatches(Yamls.maps(rule, "ports"), portOwner, port, protocol)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean selects(Policy p, Pod pod) {
        return !pod.outside() && p.namespace().equals(pod.namespace()) && matches(p.podSelector(), pod.labels());
    }

    private boolean peerMatches(Map<String, Object> peer, String policyNamespace, Pod pod) {
        if (peer.containsKey("ipBlock")) {
            // an address block: we treat it as "anywhere outside the cluster" (conservative)
            return pod.outside();
        }
        if (pod.outside()) {
            return false;
        }
        boolean namespaceOk = peer.containsKey("namespaceSelector")
                ? matches(Yamls.map(peer, "namespaceSelector"),
                        namespaceLabels.getOrDefault(pod.namespace(), Map.of("kubernetes.io/metadata.name",
                                pod.namespace())))
                : pod.namespace().equals(policyNamespace);
        boolean podOk = !peer.containsKey("podSelector") || matches(Yamls.map(peer, "podSelector"), pod.labels());
        return namespaceOk && podOk;
    }

    private static boolean portMatches(List<Map<String, Object>> ports, Pod owner, int port, String protocol) {
        if (ports.isEmpty()) {
            return true;
        }
        for (Map<String, Object> p : ports) {
            String proto = p.get("protocol") == null ? "TCP" : String.valueOf(p.get("protocol"));
            if (!proto.equals(protocol)) {
                continue;
            }
            Object value = p.get("port");
            if (value == null) {
                return true;
            }
            Integer number = value instanceof Number n ? Integer.valueOf(n.intValue())
                    : owner.namedPorts().get(String.valueOf(value));
            if (number == null) {
                continue;
            }
            int end = p.get("endPort") instanceof Number n ? n.intValue() : number;
            if (port >= number && port <= end) {
                return true;
            }
        }
        return false;
    }

    /** Label selector semantics: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist). */
    static boolean matches(Map<String, Object> selector, Map<String, Object> labels) {
        for (Map.Entry<String, Object> e : Yamls.map(selector, "matchLabels").entrySet()) {
            if (!String.valueOf(e.getValue()).equals(String.valueOf(labels.get(e.getKey())))) {
                return false;
            }
        }
        for (Map<String, Object> expr : Yamls.maps(selector, "matchExpressions")) {
            String key = Yamls.str(expr, "key");
            Object actual = labels.get(key);
            List<String> values = Yamls.list(expr, "values").stream().map(String::valueOf).toList();
            boolean ok = switch (String.valueOf(expr.get("operator"))) {
                case "In" -> actual != null && values.contains(String.valueOf(actual));
                case "NotIn" -> actual == null || !values.contains(String.valueOf(actual));
                case "Exists" -> actual != null;
                case "DoesNotExist" -> actual == null;
                default -> throw new IllegalArgumentException("unknown selector operator " + expr.get("operator"));
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
