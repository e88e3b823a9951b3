package io.sparkllama.tests;

import io.sparkllama.jobs.GenerateJob;
import io.sparkllama.jobs.JobArguments;
import io.sparkllama.jobs.JobSummary;
import io.sparkllama.jobs.LoglikelihoodJob;
import io.sparkllama.jobs.ScoreJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Runs a job in the shared local[2] session from command-line style arguments. */
final class JobRunner {
    private static final Set<String> OPTIONS = Set.of("input", "output", "model", "tokenizer", "config");

    private JobRunner() {
    }

    static JobSummary run(String job, String input, String output, String model, String... settings) {
        List<String> all = new ArrayList<>(List.of(job, "--input", input, "--output", output, "--model", model));
        for (String s : settings) {
            all.add("--set");
            all.add(s);
        }
        JobArguments a = JobArguments.parse(job, all.toArray(String[]::new), 1, OPTIONS, Set.of());
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return switch (job) {
            case "generate" -> GenerateJob.run(TestSpark.session(), GenerateJob.Config.from(a), out);
            case "score" -> ScoreJob.run(TestSpark.session(), ScoreJob.Config.from(a), out);
            case "loglikelihood" -> LoglikelihoodJob.run(TestSpark.session(), LoglikelihoodJob.Config.from(a), out);
            default -> throw new IllegalArgumentException(job);
        };
    }
}
