package io.backupkit.spring.boot.web;

import io.backupkit.api.BackupEngine;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;

/** Who made a request: the authenticated user's name, recorded as the actor in the history. */
final class Actors {
    static final String ANONYMOUS = "anonymous";

    private Actors() {
    }

    static String of(HttpServletRequest request) {
        Principal p = request.getUserPrincipal();
        return p == null || p.getName() == null || p.getName().isBlank() ? ANONYMOUS : p.getName();
    }

    /** The engine, recording this request's user as the actor. */
    static BackupEngine engineFor(BackupEngine engine, HttpServletRequest request) {
        return engine.withActor(of(request));
    }
}
