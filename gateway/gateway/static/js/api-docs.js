// /api/docs: Swagger UI (vendored, static/vendor/swagger-ui) over the API's
// own document.  A file of this site's, so the page needs no inline script.
window.addEventListener("DOMContentLoaded", function () {
  window.SwaggerUIBundle({
    url: document.getElementById("docs").dataset.document,
    dom_id: "#docs",
    deepLinking: true,
    // The document is this gateway's own: nothing to validate against elsewhere.
    validatorUrl: null,
  });
});
