package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What the GPU probe keeps of TensorFlow's message (no card here: the probe's answer on one is untested; its wording
 * is what {@code ModelScoringFunctionTest} reads a full card by).
 */
class GpuProbeTest {
    @Test
    void theFirstLineIsKept() {
        assertThat(GpuProbe.reasonOf("Cannot assign a device for operation marquee_gpu_probe\n"
                + "\tat line two of its own stack")).isEqualTo("Cannot assign a device for operation marquee_gpu_probe");
    }

    @Test
    void aCudaOutOfMemoryOnALaterLineIsKeptBesideIt() {
        String reason = GpuProbe.reasonOf("Failed to create session\n\n"
                + "  INTERNAL: failed call to cuDevicePrimaryCtxRetain: CUDA_ERROR_OUT_OF_MEMORY: out of memory\nmore");
        assertThat(reason).isEqualTo("Failed to create session ... INTERNAL: failed call to cuDevicePrimaryCtxRetain:"
                + " CUDA_ERROR_OUT_OF_MEMORY: out of memory");
        assertThat(GpuProbe.reasonOf("Internal: failed\nOOM when allocating tensor with shape[1]"))
                .isEqualTo("Internal: failed ... OOM when allocating tensor with shape[1]");
        assertThat(GpuProbe.reasonOf("Failed to create session\r\nStatus: out of memory"))
                .isEqualTo("Failed to create session ... Status: out of memory");
    }

    @Test
    void anOutOfMemoryOnTheFirstLineIsThatLineAlone() {
        assertThat(GpuProbe.reasonOf("CUDA_ERROR_OUT_OF_MEMORY: out of memory\nOOM when allocating tensor"))
                .isEqualTo("CUDA_ERROR_OUT_OF_MEMORY: out of memory");
    }

    @Test
    void aBlankMessageIsKeptAsItIs() {
        assertThat(GpuProbe.reasonOf("")).isEmpty();
        assertThat(GpuProbe.reasonOf("\n  \n")).isEqualTo("\n  \n");
    }
}
