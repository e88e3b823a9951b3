package io.sparkllama.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** Micro-batches: sizes as asked, results in input order, the close hook once at the end. */
class RowBatchesTest {
    @Test
    void batchesKeepInputOrderAndCloseOnce() {
        List<Row> in = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            in.add(RowFactory.create(i));
        }
        List<Integer> sizes = new ArrayList<>();
        AtomicInteger closed = new AtomicInteger();
        Iterator<Row> it = new RowBatches(in.iterator(), 4, batch -> {
            sizes.add(batch.size());
            // Process in reverse to show the order comes from the batch's positions, not completion order.
            Row[] out = new Row[batch.size()];
            for (int i = batch.size() - 1; i >= 0; i--) {
                out[i] = RowFactory.create(batch.get(i).getInt(0) * 10);
            }
            return List.of(out);
        }, closed::incrementAndGet);
        List<Integer> got = new ArrayList<>();
        while (it.hasNext()) {
            got.add(it.next().getInt(0));
        }
        assertEquals(List.of(0, 10, 20, 30, 40, 50, 60, 70, 80, 90), got);
        assertEquals(List.of(4, 4, 2), sizes);
        it.hasNext();
        assertEquals(1, closed.get());
    }

    @Test
    void aBatchThatLosesRowsFails() {
        Iterator<Row> it = new RowBatches(List.of(RowFactory.create(1), RowFactory.create(2)).iterator(), 2, batch -> List.of(batch.get(0)), () -> { });
        assertThrows(IllegalStateException.class, it::hasNext);
    }
}
