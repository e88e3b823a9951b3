package io.sparkllama.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark schema of only the columns a job reads, from one Parquet file's footer. Spark infers a
 * Parquet input's schema from every column and refuses the whole read over one it has no type for
 * (pyarrow's default {@code timestamp[ns]}); given this schema it never looks at the others.
 */
public final class ParquetColumns {
    private ParquetColumns() {
    }

    /** The columns of {@code wanted} the file holds, typed as Spark types them; absent ones are left out. */
    public static StructType schema(String file, List<String> wanted, Configuration conf) {
        return schema(file, wanted, false, conf);
    }

    /**
     * @param others also every other column of the file, in the file's order, except those Spark
     *               has no type for (a column of {@code wanted} without one fails)
     */
    public static StructType schema(String file, List<String> wanted, boolean others, Configuration conf) {
        MessageType footer;
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), conf))) {
            footer = reader.getFooter().getFileMetaData().getSchema();
        } catch (IOException | RuntimeException e) {
            throw new InputTableException("input file " + file + " is not a readable Parquet file (" + e.getMessage()
                    + "); check input_format");
        }
        ParquetToSparkSchemaConverter converter = new ParquetToSparkSchemaConverter(SQLConf.get());
        StructType schema = new StructType();
        List<String> names = others ? footer.getFields().stream().map(Type::getName).toList() : wanted;
        for (String name : names) {
            if (!footer.containsField(name)) {
                continue;
            }
            Type field = footer.getType(name);
            StructType one;
            try {
                one = converter.convert(new MessageType(footer.getName(), List.of(field)));
            } catch (Exception e) { // Spark's AnalysisException is a checked exception in Java's terms
                if (!wanted.contains(name)) {
                    continue; // not read by the job: left out of its output
                }
                throw new ColumnTypeException("input file " + file + ": column '" + name + "' has Parquet type " + field
                        + ", which Spark cannot read (" + firstLine(e.getMessage()) + "); write it as another type");
            }
            schema = schema.add(one.fields()[0]);
        }
        return schema;
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
