package io.sparkllama.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkllama.jobs.sweep.Regression;
import io.sparkllama.jobs.sweep.SweepConfig;
import io.sparkllama.jobs.sweep.SweepRunner;
import io.sparkllama.jobs.sweep.SweepSummary;
import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;

/** {@code eval --sweep FILE}: runs a sweep, prints a JSON summary last, and says whether it passed the regression check. */
public final class EvalJob {
    /** Exit status of a run whose metrics regressed (2 is a usage error, 1 a failure). */
    public static final int REGRESSION_STATUS = 3;

    private EvalJob() {
    }

    /** @return false when a metric regressed beyond its tolerance */
    static boolean run(JobArguments a, PrintStream out) {
        SweepConfig config = config(a);
        SparkSession spark = SparkLlama.session("spark-llama eval " + config.name(), a);
        try {
            SweepSummary s = SweepRunner.run(spark, config, out);
            return report(s, out);
        } finally {
            spark.stop();
        }
    }

    public static SweepConfig config(JobArguments a) {
        SweepConfig c = SweepConfig.read(SweepConfig.checkExists(a.require("sweep")));
        if (a.option("output") != null) {
            c = new SweepConfig(c.file(), c.name(), SweepConfig.output(a.option("output")), c.datasets(),
                    c.threads(), c.partitions(), c.models(), c.tasks(), c.grid(), c.tolerances(), c.kvCacheMemory(), c.modelCacheMemory());
        }
        return c;
    }

    public static boolean report(SweepSummary s, PrintStream out) {
        for (Regression r : s.regressions()) {
            out.println("[spark-llama] REGRESSION " + r.describe());
        }
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("run", s.run());
        o.put("cells", s.cells());
        o.put("computed", s.computed());
        o.put("skipped", s.skipped());
        o.put("wall_s", s.wallSeconds());
        o.put("tokens", s.tokens());
        o.put("tok_per_s", s.tokensPerSecond());
        o.put("regressions", s.regressions().size());
        o.put("report", s.report());
        out.println(o);
        return s.regressions().isEmpty();
    }
}
