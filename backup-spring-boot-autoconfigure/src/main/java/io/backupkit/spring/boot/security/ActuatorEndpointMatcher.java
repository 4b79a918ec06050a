package io.backupkit.spring.boot.security;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.security.web.util.matcher.RequestMatcher;

/** Matches requests to the {@code backups} actuator endpoint, wherever the management base path puts it. */
public class ActuatorEndpointMatcher {
    public RequestMatcher matcher() {
        return EndpointRequest.to("backups");
    }
}
