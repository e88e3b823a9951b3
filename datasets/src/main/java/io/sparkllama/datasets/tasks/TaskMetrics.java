package io.sparkllama.datasets.tasks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns item outcomes into a task's metrics, named as lm-eval names them ({@code acc}, {@code acc_stderr}, ...). */
public final class TaskMetrics {
    private TaskMetrics() {
    }

    public static Map<String, Double> compute(MetricKind kind, List<DocOutcome> outcomes) {
        Map<String, Double> m = new LinkedHashMap<>();
        int n = outcomes.size();
        double[] acc = new double[n];
        switch (kind) {
            case MULTIPLE_CHOICE, MULTIPLE_CHOICE_ACC -> {
                double[] norm = new double[n];
                double[] bytes = new double[n];
                for (int i = 0; i < n; i++) {
                    acc[i] = outcomes.get(i).acc();
                    norm[i] = outcomes.get(i).accNorm();
                    bytes[i] = outcomes.get(i).accBytes();
                }
                put(m, "acc", MeanWithStderr.of(acc));
                if (kind == MetricKind.MULTIPLE_CHOICE) {
                    put(m, "acc_norm", MeanWithStderr.of(norm));
                    put(m, "acc_bytes", MeanWithStderr.of(bytes));
                }
            }
            case GREEDY_TARGET -> {
                double sumLogprob = 0;
                for (int i = 0; i < n; i++) {
                    ChoiceScore s = outcomes.get(i).scores().get(0);
                    acc[i] = s.greedy() ? 1 : 0;
                    sumLogprob += s.logprob();
                }
                put(m, "acc", MeanWithStderr.of(acc));
                // lm-eval's lambada perplexity: exp of minus the mean per-item loglikelihood.
                m.put("perplexity", Math.exp(-sumLogprob / n));
            }
            default -> throw new IllegalStateException(kind.name());
        }
        m.put("n_samples", (double) n);
        return m;
    }

    private static void put(Map<String, Double> m, String name, MeanWithStderr v) {
        m.put(name, v.mean());
        m.put(name + "_stderr", v.stderr());
    }
}
