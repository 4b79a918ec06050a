package io.backupkit.storage.gdrive;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Writes service-account key files (a fresh RSA key) and OAuth user credential files, as Google issues them. */
final class ServiceAccountKeys {
    private ServiceAccountKeys() {
    }

    /** Creates a key, registers its public half with the fake server, and writes the JSON key file. */
    static Path serviceAccountKeyFile(FakeDriveServer server, Path dir, String email, boolean domainWideDelegation) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            server.registerServiceAccount(email, pair.getPublic(), domainWideDelegation);
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            JsonObject json = new JsonObject();
            json.addProperty("type", "service_account");
            json.addProperty("project_id", "backupkit-test");
            json.addProperty("private_key_id", "key-1");
            json.addProperty("private_key", pem);
            json.addProperty("client_email", email);
            json.addProperty("client_id", "100000000000000000001");
            json.addProperty("token_uri", server.tokenUri().toString());
            Path file = dir.resolve(email.replace('@', '_') + ".json");
            Files.writeString(file, json.toString());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An {@code authorized_user} file, as {@code gcloud auth application-default login} writes it. */
    static Path userCredentialsFile(Path dir, String clientId, String clientSecret, String refreshToken) {
        return userCredentialsFile(dir, clientId, clientSecret, refreshToken, null);
    }

    static Path userCredentialsFile(Path dir, String clientId, String clientSecret, String refreshToken, URI tokenUri) {
        JsonObject json = new JsonObject();
        if (tokenUri != null) {
            json.addProperty("token_uri", tokenUri.toString());
        }
        json.addProperty("type", "authorized_user");
        json.addProperty("client_id", clientId);
        json.addProperty("client_secret", clientSecret);
        json.addProperty("refresh_token", refreshToken);
        try {
            Path file = dir.resolve("user-credentials.json");
            Files.writeString(file, json.toString());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
