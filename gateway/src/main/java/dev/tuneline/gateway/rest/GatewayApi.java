package dev.tuneline.gateway.rest;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;

/** The API's OpenAPI definition: every operation needs an API key, as a bearer token or an X-API-Key header. */
@OpenAPIDefinition(info = @Info(title = "Tuneline API", version = "0.1.0",
        description = "Jobs with live progress, models and datasets, generation, reward scoring, and OpenAI-compatible "
                + "completions. Send the API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'; errors are "
                + "application/problem+json."),
        security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "apiKey")})
@SecuritySchemes({
        @SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer"),
        @SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
                apiKeyName = "X-API-Key")})
public class GatewayApi extends Application {
}
