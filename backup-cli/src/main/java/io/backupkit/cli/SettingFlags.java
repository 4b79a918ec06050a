package io.backupkit.cli;

import java.util.Map;

/**
 * A picocli mixin (an option group several commands share) whose flags override configuration settings. Every
 * command puts the flags of its mixins into its settings, so a command only names the groups it uses.
 */
interface SettingFlags {
    /** Puts the flags given as {@code "key --flag"} to value (String, Integer or List; null when not given). */
    void addTo(Map<String, Object> flags);
}
