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
            usage: spark-llama <job> [options]
              generate --input IN --output OUT --model M [--tokenizer T] [--master URL] [--set key=value ...]
                IN: Parquet, JSONL or CSV with columns id, prompt (optional max_tokens, temperature, seed)
                settings: max_tokens (128), temperature (0 = greedy), top_k (0 = off), top_p (1 = off),
                          seed (42), threads (1 per task), context (model's), partitions, input_format,
                          mode (errorifexists | overwrite), and any spark.* key
              perplexity --input TEXT_FILE --model M [--tokenizer T] [--ctx 512] [--mode llamacpp|rolling] [--threads 1] [--json]
                llamacpp: llama.cpp's llama-perplexity chunks; rolling: lm-eval loglikelihood_rolling windows
                runs on the driver; --json prints one JSON object as the last line
              eval --sweep SWEEP.yaml [--output DIR] [--master URL] [--set spark.key=value ...]
                models x tasks x settings; complete cells are skipped; exits 3 when a metric regressed""";

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
            status = e instanceof JobConfigException ? 2 : 1;
        }
        System.exit(status);
    }

    static void run(String[] args, PrintStream out) {
        switch (args[0]) {
            case "generate" -> {
                JobArguments a = JobArguments.parse("generate", args, 1, Set.of("input", "output", "model", "tokenizer", "master"), Set.of());
                GenerateJob.Config config = GenerateJob.Config.from(a);
                SparkSession spark = session("spark-llama generate", a);
                try {
                    GenerateJob.run(spark, config, out);
                    ResultPreview.print(spark, a.require("output"), out);
                } finally {
                    spark.stop();
                }
            }
            case "perplexity" -> {
                JobArguments a = JobArguments.parse("perplexity", args, 1, PerplexityJob.OPTIONS, Set.of("json"));
                PerplexityJob.print(PerplexityJob.run(PerplexityJob.Config.from(a)), a.flag("json"), out);
            }
            case "eval" -> {
                JobArguments a = JobArguments.parse("eval", args, 1, Set.of("sweep", "output", "master"), Set.of());
                if (!EvalJob.run(a, out)) {
                    // Scheduled runs: a metric got worse than the previous run by more than its tolerance.
                    System.exit(EvalJob.REGRESSION_STATUS);
                }
            }
            default -> throw new JobConfigException("unknown job '" + args[0] + "'\n" + USAGE);
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
