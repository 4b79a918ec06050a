package io.backupkit.spring.boot.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * A script's request with HTTP Basic credentials: it carries {@code Authorization: Basic} and none of the
 * {@code Sec-Fetch-*} headers every current browser sends. Such a request cannot be forged cross-site by a page, so it
 * needs no CSRF token; a browser that replays cached Basic credentials still must send one.
 */
class BasicAuthScriptMatcher implements RequestMatcher {
    @Override
    public boolean matches(HttpServletRequest request) {
        String auth = request.getHeader("Authorization");
        return auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6) && request.getHeader("Sec-Fetch-Site") == null
                && request.getHeader("Sec-Fetch-Mode") == null;
    }
}
