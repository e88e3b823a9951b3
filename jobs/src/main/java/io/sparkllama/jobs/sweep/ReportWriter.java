package io.sparkllama.jobs.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page per sweep (plotly.js inlined from the jar, data
 * inlined as JSON, so it opens offline): the metrics table with standard errors and links to each
 * cell's Parquet samples, perplexity by weight type, accuracy by task and model, and the change
 * of every compared metric since the baseline run (the last that passed, or a pinned one).
 */
public final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLOTLY = "/io/sparkllama/jobs/report/plotly-basic.min.js";

    private ReportWriter() {
    }

    public static Path write(Path output, String sweep, String run, List<ObjectNode> cells, JsonNode previous) {
        Map<String, JsonNode> before = RegressionCheck.byIdentity(previous);
        ArrayNode rows = JSON.createArrayNode();
        for (ObjectNode c : cells) {
            ObjectNode r = c.deepCopy();
            JsonNode old = before.get(RegressionCheck.identity(c));
            if (old != null) {
                r.set("previous", old.get("metrics"));
            }
            rows.add(r);
        }
        String html = TEMPLATE
                .replace("@TITLE@", escape(sweep) + " - run " + escape(run))
                .replace("@TABLE@", table(cells))
                .replace("@PREVIOUS@", previous == null ? "no baseline run" : "baseline run " + escape(previous.path("run").asText()))
                .replace("@DATA@", rows.toString().replace("</", "<\\/"))
                .replace("@PLOTLY@", plotly());
        Path file = output.resolve("report.html");
        try {
            Path tmp = output.resolve("report.html.tmp");
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /** Cells x metrics: one column per metric any cell has (stderr shown with its metric), counts last. */
    private static String table(List<ObjectNode> cells) {
        java.util.LinkedHashSet<String> metrics = new java.util.LinkedHashSet<>();
        for (ObjectNode c : cells) {
            c.get("metrics").fieldNames().forEachRemaining(k -> {
                if (!k.endsWith("_stderr") && !k.startsWith("n_")) {
                    metrics.add(k);
                }
            });
        }
        StringBuilder sb = new StringBuilder("<table><thead><tr><th>model</th><th>weights</th><th>task</th><th>settings</th>");
        for (String m : metrics) {
            sb.append("<th>").append(escape(m)).append("</th>");
        }
        sb.append("<th>n</th><th>wall s</th><th>prefix hits</th><th>samples</th></tr></thead><tbody>\n");
        for (ObjectNode c : cells) {
            JsonNode m = c.get("metrics");
            JsonNode st = c.get("settings");
            sb.append("<tr><td>").append(escape(c.get("model").asText())).append("</td><td>").append(escape(c.get("weight_type").asText()))
                    .append("</td><td>").append(escape(c.get("task").asText())).append("</td><td>")
                    .append(escape(String.format(Locale.ROOT, "ctx %d, %d-shot, limit %d, seed %d%s, %s activations", st.get("ctx").asInt(),
                            st.get("n_shot").asInt(), st.get("limit").asInt(), st.get("seed").asLong(), st.get("shuffle").asBoolean() ? ", shuffled" : "",
                            st.path("activations").asText("int8"))))
                    .append("</td>");
            for (String k : metrics) {
                JsonNode v = m.get(k);
                sb.append("<td>");
                if (v != null && v.isNumber()) {
                    sb.append(String.format(Locale.ROOT, "%.4f", v.asDouble()));
                    JsonNode se = m.get(k + "_stderr");
                    if (se != null && se.isNumber()) {
                        sb.append(String.format(Locale.ROOT, " ± %.4f", se.asDouble()));
                    }
                }
                sb.append("</td>");
            }
            JsonNode n = m.has("n_samples") ? m.get("n_samples") : m.get("n_scored");
            sb.append("<td>").append(n == null ? "" : String.valueOf(n.asLong())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", c.get("wall_s").asDouble())).append("</td><td>")
                    .append(c.has("prefix_hit_rate") ? escape(String.format(Locale.ROOT, "%.1f%% (%d of %d positions run)",
                            100 * c.get("prefix_hit_rate").asDouble(), c.get("positions_computed").asLong(),
                            c.get("positions_requested").asLong())) : "")
                    .append("</td><td><a href=\"").append(escape(c.get("samples").asText())).append("\">")
                    .append(escape(c.get("cell").asText())).append("</a></td></tr>\n");
        }
        return sb.append("</tbody></table>").toString();
    }

    private static String plotly() {
        try (InputStream in = ReportWriter.class.getResourceAsStream(PLOTLY)) {
            if (in == null) {
                throw new IllegalStateException(PLOTLY + " is missing from the jar: run bin/vendor-plotly and rebuild");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String TEMPLATE = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>spark-llama sweep @TITLE@</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
            table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}
            th{background:#f2f2f2}.plot{width:900px;height:380px;margin:1em 0}code{font-size:11px}
            </style>
            <script>@PLOTLY@</script>
            </head><body>
            <h1>spark-llama sweep @TITLE@</h1>
            <p>Compared with: @PREVIOUS@. Each cell's per-sample results are Parquet under its key (links below).</p>
            <h2>Perplexity by weight type</h2><div id="ppl" class="plot"></div>
            <h2>Accuracy by task and model</h2><div id="acc" class="plot"></div>
            <h2>Change since the baseline run</h2><div id="delta" class="plot"></div>
            <h2>Metrics</h2>
            @TABLE@
            <script>
            const cells = @DATA@;
            const label = c => c.model + " " + JSON.stringify(c.settings);
            function grouped(filter, metric, xOf) {
              const series = {};
              for (const c of cells.filter(filter)) {
                const v = c.metrics[metric]; if (v === null || v === undefined) continue;
                const k = c.task + " ctx=" + c.settings.ctx + " shot=" + c.settings.n_shot;
                (series[k] = series[k] || {x: [], y: [], e: []});
                series[k].x.push(xOf(c)); series[k].y.push(v); series[k].e.push(c.metrics[metric + "_stderr"] || 0);
              }
              return Object.entries(series).map(([name, s]) => ({type: "bar", name, x: s.x, y: s.y,
                error_y: {type: "data", array: s.e, visible: true}}));
            }
            const ppl = grouped(c => c.task.startsWith("perplexity"), "perplexity", c => c.weight_type + " (" + c.model + ")");
            Plotly.newPlot("ppl", ppl.length ? ppl : [{type: "bar", x: [], y: []}], {barmode: "group", yaxis: {title: "perplexity"}});
            const accTraces = {};
            for (const c of cells) {
              const metric = c.metrics.acc !== undefined ? "acc" : (c.metrics.exact_match !== undefined ? "exact_match" : null);
              if (!metric || c.metrics[metric] === null) continue;
              const k = c.model + " shot=" + c.settings.n_shot + " ctx=" + c.settings.ctx;
              (accTraces[k] = accTraces[k] || {x: [], y: [], e: []});
              accTraces[k].x.push(c.task); accTraces[k].y.push(c.metrics[metric]); accTraces[k].e.push(c.metrics[metric + "_stderr"] || 0);
            }
            const acc = Object.entries(accTraces).map(([name, s]) => ({type: "bar", name, x: s.x, y: s.y, error_y: {type: "data", array: s.e, visible: true}}));
            Plotly.newPlot("acc", acc.length ? acc : [{type: "bar", x: [], y: []}], {barmode: "group", yaxis: {title: "acc / exact_match", range: [0, 1]}});
            const dx = [], dy = [];
            for (const c of cells) {
              if (!c.previous) continue;
              for (const m of ["acc", "acc_norm", "exact_match", "perplexity", "word_perplexity", "bits_per_byte"]) {
                if (typeof c.metrics[m] === "number" && typeof c.previous[m] === "number") {
                  dx.push(c.task + " " + m + " " + label(c)); dy.push(c.metrics[m] - c.previous[m]);
                }
              }
            }
            Plotly.newPlot("delta", [{type: "bar", x: dx, y: dy}], {yaxis: {title: "now - previous"}, xaxis: {automargin: true}});
            </script>
            </body></html>
            """;
}
