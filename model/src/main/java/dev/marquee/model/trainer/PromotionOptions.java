package dev.marquee.model.trainer;

import dev.marquee.data.config.SettingException;
import dev.marquee.model.cli.OptionRange;
import java.util.List;
import picocli.CommandLine.Option;

/** {@link PromotionSettings} from the command line (a picocli mixin of {@code marquee trainer}). */
public final class PromotionOptions {
    @Option(names = "--trainer.promotion", paramLabel = "shadow|immediate|manual", defaultValue = "shadow",
            description = "how a published candidate comes to serve (default: ${DEFAULT-VALUE}: scored beside the"
                    + " serving version, promoted on live labels)")
    String mode = PromotionSettings.SHADOW;

    @Option(names = "--trainer.shadow.min-labels", paramLabel = "N", defaultValue = "300",
            description = "paired live labels before a shadow is judged (default: ${DEFAULT-VALUE})")
    int minLabels = 300;

    @Option(names = "--trainer.shadow.min-users", paramLabel = "N", defaultValue = "20",
            description = "from at least N users (default: ${DEFAULT-VALUE})")
    int minUsers = 20;

    @Option(names = "--trainer.shadow.judge-every-labels", paramLabel = "N", defaultValue = "200",
            description = "judge again after N more (default: ${DEFAULT-VALUE})")
    int judgeEvery = 200;

    @Option(names = "--trainer.shadow.candidate-expiry-ms", paramLabel = "MS", defaultValue = "86400000",
            description = "retire a candidate still unresolved after MS of trainer time with it in shadow (judged_for_ms in"
                    + " serving.json; time no trainer ran does not count) (default: ${DEFAULT-VALUE})")
    long candidateExpiryMs = 86_400_000L;

    @Option(names = "--trainer.shadow.watch-ms", paramLabel = "MS", defaultValue = "86400000",
            description = "watch a switch for at most MS of trainer time, then keep it (default: ${DEFAULT-VALUE})")
    long watchMs = 86_400_000L;

    PromotionSettings settings() {
        if (!List.of(PromotionSettings.SHADOW, PromotionSettings.IMMEDIATE, PromotionSettings.MANUAL).contains(mode)) {
            throw new SettingException("trainer.promotion must be shadow, immediate or manual, got '" + mode + "'");
        }
        return new PromotionSettings(mode, OptionRange.check("trainer.shadow.min-labels", minLabels, 2, 100_000_000),
                OptionRange.check("trainer.shadow.min-users", minUsers, 2, 10_000_000),
                OptionRange.check("trainer.shadow.judge-every-labels", judgeEvery, 1, 100_000_000),
                OptionRange.check("trainer.shadow.candidate-expiry-ms", candidateExpiryMs, 1_000, 86_400_000L * 365),
                OptionRange.check("trainer.shadow.watch-ms", watchMs, 1_000, 86_400_000L * 365));
    }
}
