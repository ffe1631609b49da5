package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TensorFlowHostTest {
    private static final Optional<Set<String>> WITH_AVX = Optional.of(Set.of("fpu", "sse4_2", "avx", "avx2"));

    @Test
    void anotherArchitectureIsNamedWithTheOneTheBuildCarries() {
        assertThat(TensorFlowHost.refusal("Linux", "aarch64", WITH_AVX)).contains("Linux aarch64", "linux-x86_64 only");
        assertThat(TensorFlowHost.refusal("Mac OS X", "x86_64", Optional.empty())).contains("Mac OS X x86_64");
    }

    @Test
    void anX86CpuWithoutAvxIsRefusedBeforeTensorFlowAbortsTheJvm() {
        assertThat(TensorFlowHost.refusal("Linux", "amd64", Optional.of(Set.of("fpu", "sse2", "sse4_2", "avx512_bf16x"))))
                .contains("no AVX", "x86-64-v3");
    }

    @Test
    void linuxOnX86WithAvxOrFlagsNotKnownRuns() {
        assertThat(TensorFlowHost.refusal("Linux", "amd64", WITH_AVX)).isNull();
        assertThat(TensorFlowHost.refusal("Linux", "x86_64", Optional.empty())).isNull();
    }

    @Test
    void theFlagsAreTheFirstFlagsLineOfCpuinfo() {
        List<String> cpuinfo = List.of("processor\t: 0", "model name\t: Some CPU", "flags\t\t: fpu vme avx avx2 avx",
                "vmx flags\t: vnmi", "processor\t: 1", "flags\t\t: fpu");
        assertThat(TensorFlowHost.cpuFlags(cpuinfo)).contains(Set.of("fpu", "vme", "avx", "avx2"));
        assertThat(TensorFlowHost.cpuFlags(List.of("Processor\t: ARMv8", "Features\t: fp asimd"))).isEmpty();
    }

    @Test
    void thisMachineRunsTensorFlow() {
        TensorFlowHost.check(); // the tests load models here: a refusal of this host would be a wrong one
    }

    @Test
    void aRefusalIsSaidAsItIsNotAsAMissingLibrary() {
        String said = NativeLibraryFailure.describe(new TensorFlowHost.UnsupportedHostError("this CPU has no AVX"));
        assertThat(said).isEqualTo("TensorFlow cannot run here: this CPU has no AVX");
        assertThat(NativeLibraryFailure.nativeLibrary(new TensorFlowHost.UnsupportedHostError("x"))).isTrue();
    }
}
