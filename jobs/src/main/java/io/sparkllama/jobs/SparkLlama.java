package io.sparkllama.jobs;

import io.sparkllama.datasets.InputTableException;
import io.sparkllama.datasets.tasks.TaskFormatException;
import io.sparkllama.datasets.tasks.UnknownTaskException;
import io.sparkllama.engine.error.SparkLlamaException;
import io.sparkllama.jobs.sweep.SweepException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The {@code spark-submit} entry point: {@code SparkLlama <job> [options]}. */
public final class SparkLlama {
    static final String USAGE = """
            usage: spark-llama <job> --input IN --output OUT --model M [--tokenizer T] [--master URL] [--config job.yaml] [--set key=value ...]
              generate       IN columns id, prompt (optional max_tokens, temperature, seed) -> completions with logprobs
              score          IN columns id, text -> per-token logprobs, sum, mean NLL, perplexity (rolling windows past the context)
              loglikelihood  IN columns id, context, continuation -> sum logprob of the continuation, is_greedy (lm-eval semantics)
              settings (all jobs): threads (0 = spark.task.cpus), context (model's), partitions, batch_size (32; score and loglikelihood 256), balance_by_length (false),
                          input_format (auto), mode (errorifexists | overwrite | overwrite_any), bad_rows (fail | error | skip),
                          model_transport (path | spark-files | broadcast), duplicate_ids (fail | warn),
                          csv.escape (auto | " | \\), csv.quote ("), csv.sep (,) (docs/input-tables.md),
                          activations (int8 | fp32), and any spark.* key
              generate:      max_tokens (128), temperature (0 = greedy), top_k (0 = off), top_p (1 = off), seed (42)
              score:         stride (rolling-window stride; 0 = half the context)
              score, loglikelihood: step_tokens (256 tokens per packed forward step), prefix_cache (true: rows reuse computed prefixes),
                             group_by_prefix (false; true: partition and sort by the text so shared prefixes meet)
              --config job.yaml takes the same keys (and input/output/model/tokenizer/master); the command line wins
            spark-llama perplexity --input TEXT_FILE --model M [--tokenizer T] [--ctx 512] [--mode llamacpp|rolling] [--threads 1] [--activations int8|fp32] [--json]
                llamacpp: llama.cpp's llama-perplexity chunks; rolling: lm-eval loglikelihood_rolling windows
                runs on the driver; --json prints one JSON object as the last line
            spark-llama eval --sweep SWEEP.yaml [--output DIR] [--master URL] [--set spark.key=value ...]
                models x tasks x settings; complete cells are skipped; exits 3 when a metric regressed""";

    static final Set<String> OPTIONS = Set.of("input", "output", "model", "tokenizer", "master", "config");

    private SparkLlama() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            out.println(USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        int status = 0;
        try {
            run(args, out);
        } catch (JobConfigException | InputTableException | SparkLlamaException | SweepException | TaskFormatException | UnknownTaskException e) {
            System.err.println("spark-llama: " + e.getMessage());
            status = exitStatus(e);
        }
        // Success returns (run stopped the session): under YARN's cluster deploy mode the application
        // master reports SUCCEEDED only when main returns; System.exit(0) there ends the app FAILED.
        if (status != 0) {
            System.exit(status);
        }
    }

    /** 2: a wrong command, setting, output path or sweep file (nothing ran); 1: a failure while running. */
    static int exitStatus(RuntimeException e) {
        return e instanceof JobConfigException || e instanceof SweepException ? 2 : 1;
    }

    static void run(String[] args, PrintStream out) {
        String job = args[0];
        switch (job) {
            case "perplexity" -> {
                JobArguments a = JobArguments.parse("perplexity", args, 1, PerplexityJob.OPTIONS, Set.of("json"));
                PerplexityJob.print(PerplexityJob.run(PerplexityJob.Config.from(a)), a.flag("json"), out);
                return;
            }
            case "eval" -> {
                JobArguments a = JobArguments.parse("eval", args, 1, Set.of("sweep", "output", "master"), Set.of());
                if (!EvalJob.run(a, out)) {
                    // Scheduled runs: a metric got worse than the previous run by more than its tolerance.
                    System.exit(EvalJob.REGRESSION_STATUS);
                }
                return;
            }
            default -> {
                // the table jobs below
            }
        }
        TableJob tableJob = TableJob.named(job);
        JobArguments a = JobArguments.parse(job, args, 1, OPTIONS, Set.of()).withConfigFile(tableJob.settings());
        // Every setting is checked here, before a Spark session exists.
        JobSpec spec = tableJob.spec().apply(a);
        SparkSession spark = session("spark-llama " + job, a);
        try {
            InferenceRun.run(spark, spec, out);
            ResultPreview.print(spark, a.require("output"), tableJob.preview(), out);
        } finally {
            spark.stop();
        }
    }

    /** The session: master from --master, else from spark-submit's conf, else local[*]. */
    static SparkSession session(String name, JobArguments a) {
        SparkConf conf = new SparkConf().setAppName(name);
        if (a.option("master") != null) {
            conf.setMaster(a.option("master"));
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        for (Map.Entry<String, String> e : a.settings().entrySet()) {
            if (e.getKey().startsWith("spark.")) {
                conf.set(e.getKey(), e.getValue());
            }
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
