package io.sparkllama.udfs.tokencache;

import java.util.List;
import java.util.Locale;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** The Arrow schema and file naming of one cached partition: {@code id} (utf8), {@code token_ids} (list of int32). */
public final class TokenFileLayout {
    public static final String ID = "id";
    public static final String TOKEN_IDS = "token_ids";
    /** Rows per record batch: bounds the writer's off-heap buffers whatever the partition's size. */
    public static final int ROWS_PER_BATCH = 1024;

    private TokenFileLayout() {
    }

    public static Schema schema() {
        Field element = new Field("element", FieldType.notNullable(new ArrowType.Int(32, true)), null);
        return new Schema(List.of(
                new Field(ID, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                // Null for rows with nothing to tokenize (null or empty text): they keep their place.
                new Field(TOKEN_IDS, FieldType.nullable(ArrowType.List.INSTANCE), List.of(element))));
    }

    /** The committed file of a partition; the partition index is in the name. */
    public static String fileName(int partition) {
        return String.format(Locale.ROOT, "part-%05d.arrow", partition);
    }
}
