package io.sparkllama.jobs;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Prints a few rows of a written generate output so a person sees what came out. */
final class ResultPreview {
    private ResultPreview() {
    }

    static void print(SparkSession spark, String output, PrintStream out) {
        List<Row> rows = spark.read().parquet(output).orderBy("id").limit(5).collectAsList();
        out.println("[spark-llama] first rows of " + output + ":");
        for (Row r : rows) {
            String error = r.getAs("error");
            if (error != null) {
                out.printf(Locale.ROOT, "  %s  ERROR: %s%n", r.getAs("id"), error);
                continue;
            }
            List<Float> lps = r.getList(r.fieldIndex("token_logprobs"));
            double sum = 0;
            for (Float f : lps) {
                sum += f;
            }
            out.printf(Locale.ROOT, "  %s  [%s, %d tokens, mean logprob %.3f]%n    %s|%s%n", r.getAs("id"), r.getAs("finish_reason"),
                    lps.size(), lps.isEmpty() ? 0 : sum / lps.size(), r.getAs("prompt"),
                    ((String) r.getAs("completion")).replace("\n", "\\n"));
        }
    }
}
