package io.sparkllama.jobs;

import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.spark.sql.Row;

/**
 * The table jobs by name, in one place: the settings each takes, how its command line becomes a
 * checked {@link JobSpec} (before any Spark session exists), and how a written row is previewed.
 */
record TableJob(Set<String> settings, Function<JobArguments, JobSpec> spec, BiConsumer<Row, PrintStream> preview) {
    private static final Map<String, TableJob> BY_NAME = Map.of(
            "generate", new TableJob(GenerateJob.SETTINGS, a -> GenerateJob.Config.from(a).spec(), ResultPreview::generate),
            "score", new TableJob(ScoreJob.SETTINGS, a -> ScoreJob.Config.from(a).spec(), ResultPreview::score),
            "loglikelihood", new TableJob(LoglikelihoodJob.SETTINGS, a -> LoglikelihoodJob.Config.from(a).spec(),
                    ResultPreview::loglikelihood));

    /** The job called {@code name}; an unknown name is a {@link JobConfigException} showing the usage. */
    static TableJob named(String name) {
        TableJob job = BY_NAME.get(name);
        if (job == null) {
            throw new JobConfigException("unknown job '" + name + "'\n" + SparkLlama.USAGE);
        }
        return job;
    }
}
