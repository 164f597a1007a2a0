package io.brigade;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest
{
    static final class Box
    {
        long value;
    }

    @Test
    @Timeout(60)
    void shouldRunThreeStages()
    {
        final AtomicLong sum = new AtomicLong();
        final ConcurrentHashMap<Long, Boolean> seen = new ConcurrentHashMap<>();
        final Pipeline<Box> pipeline = Pipeline.<Box>builder("smoke")
            .stage("a", (Box b) -> b.value += 1).workers(2).and()
            .stage("b", (Box b) -> b.value *= 2).workers(3).order(StageOrder.ORDERED).and()
            .stage("c", (Box b) -> b.value += 0).workers(2).order(StageOrder.KEYED).key((b) -> b.value % 7).and()
            .onComplete((b, id) ->
            {
                sum.addAndGet(b.value);
                seen.put(id, Boolean.TRUE);
            })
            .build();
        pipeline.start();
        final int n = 200_000;
        long expected = 0;
        for (int i = 0; i < n; i++)
        {
            final Box b = new Box();
            b.value = i;
            expected += (i + 1) * 2L;
            assertThat(pipeline.submit(b)).isGreaterThanOrEqualTo(0);
        }
        pipeline.close();
        assertThat(sum.get()).isEqualTo(expected);
        assertThat(seen).hasSize(n);
    }
}
