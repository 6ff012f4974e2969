package dev.tuneline.llm.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pairwise reward metrics: accuracy = share of pairs with chosen &gt; rejected (strict), ties (equal rewards)
 * counted separately, mean margin (chosen - rejected), mean and population std of all 2N rewards, and the mean
 * chosen and rejected rewards.
 */
public record RewardMetrics(int pairs, double accuracy, int ties, double tieRate, double meanMargin,
        double rewardMean, double rewardStd, double chosenMean, double rejectedMean) {

    /** Metrics of rewards {@code chosen[i]} vs {@code rejected[i]}. */
    public static RewardMetrics of(float[] chosen, float[] rejected) {
        if (chosen.length != rejected.length) {
            throw new IllegalArgumentException("RewardMetrics: " + chosen.length + " chosen vs " + rejected.length
                    + " rejected rewards");
        }
        int n = chosen.length;
        if (n == 0) {
            throw new IllegalArgumentException("RewardMetrics: no pairs");
        }
        int wins = 0;
        int ties = 0;
        double margin = 0;
        double sumC = 0;
        double sumR = 0;
        for (int i = 0; i < n; i++) {
            if (chosen[i] > rejected[i]) {
                wins++;
            } else if (chosen[i] == rejected[i]) {
                ties++;
            }
            margin += (double) chosen[i] - rejected[i];
            sumC += chosen[i];
            sumR += rejected[i];
        }
        double mean = (sumC + sumR) / (2.0 * n);
        double var = 0;
        for (int i = 0; i < n; i++) {
            var += (chosen[i] - mean) * (chosen[i] - mean) + (rejected[i] - mean) * (rejected[i] - mean);
        }
        return new RewardMetrics(n, (double) wins / n, ties, (double) ties / n, margin / n, mean,
                Math.sqrt(var / (2.0 * n)), sumC / n, sumR / n);
    }

    /** The metrics as {@code prefix + name} entries, e.g. {@code eval_accuracy}. */
    public Map<String, Double> asMap(String prefix) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(prefix + "accuracy", accuracy);
        m.put(prefix + "ties", (double) ties);
        m.put(prefix + "tie_rate", tieRate);
        m.put(prefix + "mean_margin", meanMargin);
        m.put(prefix + "reward_mean", rewardMean);
        m.put(prefix + "reward_std", rewardStd);
        m.put(prefix + "chosen_reward_mean", chosenMean);
        m.put(prefix + "rejected_reward_mean", rejectedMean);
        m.put(prefix + "pairs", (double) pairs);
        return m;
    }
}
