package io.backupkit.spring.boot.security;

import io.backupkit.api.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;

/**
 * 401 and 403 answers as RFC 9457 problems; a browser opening the page without a session is sent to the
 * application's login page ({@code /login}) instead.
 */
class ProblemSecurityHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {
    private final String basePath;

    ProblemSecurityHandlers(String basePath) {
        this.basePath = basePath;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String accept = request.getHeader("Accept");
        boolean pageNavigation = !path.startsWith(basePath + "/api") && accept != null && accept.contains("text/html");
        if (pageNavigation) {
            response.sendRedirect(request.getContextPath() + "/login");
            return;
        }
        if (request.getHeader("Sec-Fetch-Mode") == null) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"BackupKit\"");
        }
        write(response, 401, "Unauthorized", "sign in: this needs an authenticated user");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        String detail = e instanceof CsrfException
                ? "the CSRF token is missing or wrong: send the XSRF-TOKEN cookie's value in the X-XSRF-TOKEN header"
                : "this needs the BackupKit administrator authority (backupkit.web.authority)";
        write(response, 403, "Forbidden", detail);
    }

    private static void write(HttpServletResponse response, int status, String title, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("{\"type\":\"urn:backupkit:problem:" + (status == 401 ? "unauthorized" : "forbidden")
                + "\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\"" + detail
                + "\",\"code\":\"" + ErrorCode.CONFIGURATION.name() + "\"}");
    }
}
