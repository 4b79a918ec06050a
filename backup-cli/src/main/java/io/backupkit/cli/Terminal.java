package io.backupkit.cli;

import java.io.Console;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether the command talks to a person at a terminal — which allows the redrawn progress bar ({@code \r}) and the
 * restore confirmation prompt — right on every JDK from 17: there {@link System#console()} is null unless stdin and
 * stdout are terminals, but from JDK 22 it exists even when they are redirected and {@code Console.isTerminal()}
 * tells. Neither looks at stderr, where the bar goes, so on Linux stdout and stderr are checked too. {@code TERM=dumb}
 * (Emacs shells, some CI logs) counts as no terminal. BackupKit prints no colour, so {@code NO_COLOR} has nothing
 * to turn off.
 */
final class Terminal {
    private Terminal() {
    }

    static boolean isInteractive(Map<String, String> environment) {
        Console console = System.console();
        if (console == null || !consoleIsTerminal(console)) {
            return false;
        }
        if ("dumb".equals(environment.get("TERM"))) {
            return false;
        }
        return isTerminal(1) && isTerminal(2);
    }

    private static boolean consoleIsTerminal(Console console) {
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");   // JDK 22+
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException beforeJdk22) {
            return true;   // before JDK 22 a console exists only when stdin and stdout are terminals
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** Linux: {@code /proc/self/fd/N} links to {@code /dev/pts/K} or {@code /dev/ttyX} for a terminal. */
    static boolean isTerminal(int fd) {
        Path link = Path.of("/proc/self/fd/" + fd);
        if (!Files.isSymbolicLink(link)) {
            return true;   // not Linux: the console check above is what there is
        }
        try {
            String target = Files.readSymbolicLink(link).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
