package io.backupkit.core.internal;

import io.backupkit.api.ConfigurationException;
import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreException;
import io.backupkit.api.RestoreRequest;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where a restore puts the file roots of a backup, and whether they fit there; checked before anything is written. */
final class RestoreTargets {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreTargets.class);

    private RestoreTargets() {
    }

    /** Original directories by default; a target directory (with one sub-directory per root if several). */
    static Map<String, Path> of(RestoreRequest request, Manifest manifest) {
        Manifest.FilesPart files = manifest.files().orElseThrow();
        Map<String, Path> out = new LinkedHashMap<>();
        for (String name : request.filesTargets().keySet()) {
            if (files.roots().stream().noneMatch(r -> r.name().equals(name))) {
                throw new ConfigurationException("filesTarget names root '" + name + "' but backup " + manifest.id()
                        + " has the roots " + files.roots().stream().map(Manifest.FileRoot::name).toList());
            }
        }
        for (Manifest.FileRoot r : files.roots()) {
            Path p = request.filesTargets().get(r.name());
            if (p == null && request.filesTarget().isPresent()) {
                p = files.roots().size() == 1 ? request.filesTarget().get() : request.filesTarget().get().resolve(r.name());
            }
            if (p == null) {
                if (r.originalPath().isEmpty()) {
                    throw new ConfigurationException("backup " + manifest.id() + " does not record where root '" + r.name()
                            + "' came from: set filesTarget on the request");
                }
                p = Path.of(r.originalPath());
            }
            out.put(r.name(), p.toAbsolutePath().normalize());
        }
        return out;
    }

    /**
     * Files are staged next to each target before they replace it, so each file system needs room for the files
     * of the roots restored onto it. Where the space cannot be read, the check is skipped.
     */
    static void checkFreeSpace(Manifest manifest, Map<String, Path> targets) {
        Map<FileStore, Long> needed = new LinkedHashMap<>();
        for (Manifest.FileRoot root : manifest.files().orElseThrow().roots()) {
            Path target = targets.get(root.name());
            if (target == null) {
                continue;
            }
            Path existing = target;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            try {
                if (existing != null) {
                    needed.merge(Files.getFileStore(existing), root.bytes(), Long::sum);
                }
            } catch (IOException e) {
                LOG.debug("Cannot read the free space for {}: {}", target, e.toString());
            }
        }
        for (var e : needed.entrySet()) {
            try {
                long usable = e.getKey().getUsableSpace();
                if (usable < e.getValue()) {
                    throw new RestoreException("not enough free space to restore the files of backup " + manifest.id()
                            + ": they need " + e.getValue() + " bytes on " + e.getKey() + ", which has " + usable
                            + " bytes free; free some space or restore into another directory; nothing was changed");
                }
            } catch (IOException ex) {
                LOG.debug("Cannot read the free space of {}: {}", e.getKey(), ex.toString());
            }
        }
    }
}
