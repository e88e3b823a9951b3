package io.sparkllama.engine.fuzz;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Counts of outcomes over one target's mutants, with the first examples of each failing kind. */
final class FuzzTally {
    private static final int EXAMPLES = 5;

    private final String target;
    private final Map<MutantOutcome, Integer> counts = new EnumMap<>(MutantOutcome.class);
    private final List<String> failures = new ArrayList<>();
    private long maxMillis;

    FuzzTally(String target) {
        this.target = target;
        for (MutantOutcome o : MutantOutcome.values()) {
            counts.put(o, 0);
        }
    }

    void add(long seed, MutantRunner.Result r, long millis) {
        counts.merge(r.outcome(), 1, Integer::sum);
        maxMillis = Math.max(maxMillis, millis);
        boolean failing = r.outcome() != MutantOutcome.SERVED && r.outcome() != MutantOutcome.REFUSED;
        if (failing && counts.get(r.outcome()) <= EXAMPLES) {
            failures.add(target + " seed " + seed + ": " + r.outcome() + ": " + r.detail());
        }
    }

    int count(MutantOutcome o) {
        return counts.get(o);
    }

    int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Mutants that were neither served nor refused properly. */
    int failing() {
        return total() - count(MutantOutcome.SERVED) - count(MutantOutcome.REFUSED);
    }

    List<String> failures() {
        return failures;
    }

    /** One JSON object with the figures, for logs and bench/results. */
    String json() {
        return String.format("{\"format\":\"%s\",\"mutants\":%d,\"served\":%d,\"refused\":%d,\"wrong_refusals\":%d,"
                        + "\"crashes\":%d,\"non_finite\":%d,\"hangs\":%d,\"slowest_ms\":%d}",
                target, total(), count(MutantOutcome.SERVED), count(MutantOutcome.REFUSED), count(MutantOutcome.WRONG_REFUSAL),
                count(MutantOutcome.CRASH), count(MutantOutcome.NON_FINITE), count(MutantOutcome.HANG), maxMillis);
    }
}
