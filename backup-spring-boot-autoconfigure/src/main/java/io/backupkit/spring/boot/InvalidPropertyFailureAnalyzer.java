package io.backupkit.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a wrong {@code backupkit.*} value into Spring Boot's "APPLICATION FAILED TO START" report naming the property. */
public class InvalidPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidPropertyException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidPropertyException cause) {
        return new FailureAnalysis("BackupKit cannot start: " + cause.getMessage(),
                "Fix the property " + cause.property() + " (in application.properties, an environment variable or a"
                        + " command-line argument); every key is listed in docs/SPRING-BOOT.md.", cause);
    }
}
