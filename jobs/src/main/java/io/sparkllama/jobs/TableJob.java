package io.sparkllama.jobs;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The table jobs by name, in one place: the settings each takes and how its command line becomes a
 * checked {@link JobSpec} (before any Spark session exists).
 */
record TableJob(Set<String> settings, Function<JobArguments, JobSpec> spec) {
    private static final Map<String, TableJob> BY_NAME = Map.of(
            "generate", new TableJob(GenerateJob.SETTINGS, a -> GenerateJob.Config.from(a).spec()),
            "score", new TableJob(ScoreJob.SETTINGS, a -> ScoreJob.Config.from(a).spec()),
            "loglikelihood", new TableJob(LoglikelihoodJob.SETTINGS, a -> LoglikelihoodJob.Config.from(a).spec()));

    /** The job called {@code name}; an unknown name is a {@link JobConfigException} showing the usage. */
    static TableJob named(String name) {
        TableJob job = BY_NAME.get(name);
        if (job == null) {
            throw new JobConfigException("unknown job '" + name + "'\n" + SparkLlama.USAGE);
        }
        return job;
    }
}
