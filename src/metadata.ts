/* eslint-disable */
export default async () => {
    const t = {
        ["./common/errors/error-response.dto"]: await import("./common/errors/error-response.dto.js")
    };
    return { "@nestjs/swagger": { "models": [[import("./common/errors/error-response.dto.js"), { "ErrorDetailDto": { field: { required: false, type: () => String }, message: { required: true, type: () => String } }, "ErrorResponseDto": { error: { required: true, type: () => String }, message: { required: true, type: () => String }, details: { required: false, type: () => [t["./common/errors/error-response.dto"].ErrorDetailDto] } } }]], "controllers": [[import("./health/health.controller.js"), { "HealthController": { "live": {}, "ready": { type: Object } } }]] } };
};