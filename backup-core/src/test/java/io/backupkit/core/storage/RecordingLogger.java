package io.backupkit.core.storage;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/** An slf4j {@link Logger} that keeps the formatted DEBUG messages, to check what a class logs. */
final class RecordingLogger {
    final List<String> messages = new CopyOnWriteArrayList<>();
    final Logger logger;

    RecordingLogger(boolean debugEnabled) {
        logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "isDebugEnabled":
                            return debugEnabled;
                        case "getName":
                            return "recording";
                        case "debug":
                            if (debugEnabled) {
                                messages.add(format(args));
                            }
                            return null;
                        case "toString":
                            return "RecordingLogger";
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            if (method.getReturnType() == boolean.class) {
                                return false;
                            }
                            return null;
                    }
                });
    }

    private static String format(Object[] args) {
        String pattern = (String) args[0];
        if (args.length == 1) {
            return pattern;
        }
        Object[] values = args.length == 2 && args[1] instanceof Object[] array ? array
                : java.util.Arrays.copyOfRange(args, 1, args.length);
        return MessageFormatter.arrayFormat(pattern, values).getMessage();
    }
}
