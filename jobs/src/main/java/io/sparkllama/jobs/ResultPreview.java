package io.sparkllama.jobs;

import java.io.PrintStream;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Prints a few rows of a job's written output so a person sees what came out (data text escaped, see {@link TerminalText}). */
final class ResultPreview {
    private ResultPreview() {
    }

    /** @param row prints one row without an error (the job's own columns) */
    static void print(SparkSession spark, String output, BiConsumer<Row, PrintStream> row, PrintStream out) {
        List<Row> rows = spark.read().parquet(output).orderBy("id").limit(5).collectAsList();
        out.println("[spark-llama] first rows of " + output + ":");
        for (Row r : rows) {
            String error = r.getAs("error");
            if (error != null) {
                out.printf(Locale.ROOT, "  %s  ERROR: %s%n", TerminalText.escape(r.getAs("id")), TerminalText.escape(error));
                continue;
            }
            row.accept(r, out);
        }
    }

    static void score(Row r, PrintStream out) {
        out.printf(Locale.ROOT, "  %s  [%d tokens scored, sum logprob %.3f, perplexity %.3f]%n", TerminalText.escape(r.getAs("id")),
                (Integer) r.getAs("n_scored"), (Double) r.getAs("sum_logprob"), (Double) r.getAs("perplexity"));
    }

    static void loglikelihood(Row r, PrintStream out) {
        out.printf(Locale.ROOT, "  %s  [%d tokens, sum logprob %.3f, greedy %s]%n", TerminalText.escape(r.getAs("id")),
                (Integer) r.getAs("n_tokens"), (Double) r.getAs("sum_logprob"), r.getAs("is_greedy"));
    }

    static void generate(Row r, PrintStream out) {
        List<Float> lps = r.getList(r.fieldIndex("token_logprobs"));
        double sum = 0;
        for (Float f : lps) {
            sum += f;
        }
        out.printf(Locale.ROOT, "  %s  [%s, %d tokens, mean logprob %.3f]%n    %s|%s%n", TerminalText.escape(r.getAs("id")),
                r.getAs("finish_reason"), lps.size(), lps.isEmpty() ? 0 : sum / lps.size(), TerminalText.escape(r.getAs("prompt")),
                TerminalText.escape(r.getAs("completion")));
    }
}
