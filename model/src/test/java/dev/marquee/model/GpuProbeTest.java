package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe's answers are kept for the process's life, except out of memory: the card's state, asked again. */
class GpuProbeTest {
    private final List<Integer> probed = new ArrayList<>();

    @AfterEach
    void forget() {
        GpuProbe.forget();
    }

    @Test
    void anAnswerIsKeptPerCard() {
        assertThat(GpuProbe.answer(7, i -> probed(i, Optional.of("no GPU kernel")))).contains("no GPU kernel");
        assertThat(GpuProbe.answer(7, i -> probed(i, Optional.empty()))).as("kept").contains("no GPU kernel");
        assertThat(GpuProbe.answer(8, i -> probed(i, Optional.empty()))).isEmpty();
        assertThat(GpuProbe.answer(8, i -> probed(i, Optional.of("later")))).as("kept").isEmpty();
        assertThat(probed).containsExactly(7, 8);
    }

    @Test
    void outOfMemoryIsAskedAgainAtTheNextStart() {
        Optional<String> full = Optional.of(GpuProbe.OUT_OF_MEMORY + ": CUDA_ERROR_OUT_OF_MEMORY");
        assertThat(GpuProbe.answer(7, i -> probed(i, full))).isEqualTo(full);
        assertThat(GpuProbe.answer(7, i -> probed(i, Optional.empty()))).as("the memory was freed").isEmpty();
        assertThat(GpuProbe.answer(7, i -> probed(i, full))).as("then kept").isEmpty();
        assertThat(probed).containsExactly(7, 7);
    }

    @Test
    void outOfMemoryIsTensorFlowsOrCudasWording() {
        assertThat(GpuProbe.outOfMemory(new IllegalStateException("probe",
                new org.tensorflow.exceptions.TFResourceExhaustedException("OOM when allocating tensor")))).isTrue();
        assertThat(GpuProbe.outOfMemory(new org.tensorflow.exceptions.TensorFlowException(
                "failed call to cuInit: CUDA_ERROR_OUT_OF_MEMORY: out of memory"))).isTrue();
        assertThat(GpuProbe.outOfMemory(new org.tensorflow.exceptions.TensorFlowException(
                "Could not satisfy device specification '/device:GPU:0'"))).isFalse();
    }

    private Optional<String> probed(int index, Optional<String> answer) {
        probed.add(index);
        return answer;
    }
}
