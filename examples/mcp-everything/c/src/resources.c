// asterai:mcp/resources: three direct resources and one template, as the scenarios
// resources-list, resources-read-text, resources-read-binary and resources-templates-read
// expect. test://watched-resource is only there to be subscribed to (resources-subscribe);
// it never changes, so nothing calls client.resource-updated for it.
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

typedef exports_asterai_mcp_resources_resource_info_t resource_info_t;
typedef exports_asterai_mcp_resources_resource_template_t resource_template_t;
typedef exports_asterai_mcp_resources_resource_contents_t resource_contents_t;

#define TEMPLATE_PREFIX "test://template/"
#define TEMPLATE_SUFFIX "/data"

static resource_info_t resource(const char* uri, const char* name, const char* title,
                                const char* description, const char* mime_type) {
  return (resource_info_t){str_dup(uri), str_dup(name), some_str(title), some_str(description),
                           some_str(mime_type)};
}

void exports_asterai_mcp_resources_list_resources(
    exports_asterai_mcp_resources_list_resource_info_t* ret) {
  const resource_info_t all[] = {
      resource("test://static-text", "static-text", "Static Text Resource",
               "A static text resource for testing", "text/plain"),
      resource("test://static-binary", "static-binary", "Static Binary Resource",
               "A static binary resource (a 1x1 red PNG) for testing", "image/png"),
      resource("test://watched-resource", "watched-resource", "Watched Resource",
               "A text resource to subscribe to", "text/plain"),
  };
  ret->len = sizeof all / sizeof all[0];
  ret->ptr = checked_malloc(sizeof all);
  memcpy(ret->ptr, all, sizeof all);
}

void exports_asterai_mcp_resources_list_templates(
    exports_asterai_mcp_resources_list_resource_template_t* ret) {
  ret->len = 1;
  ret->ptr = checked_malloc(sizeof(resource_template_t));
  ret->ptr[0] = (resource_template_t){
      str_dup(TEMPLATE_PREFIX "{id}" TEMPLATE_SUFFIX),
      str_dup("template"),
      some_str("Resource Template"),
      some_str("JSON data for any id, substituted into the text"),
      some_str("application/json"),
  };
}

static resource_contents_t text_contents(const string_t* uri, const char* mime_type,
                                         string_t text) {
  resource_contents_t c;
  c.uri = str_dup_n((const char*)uri->ptr, uri->len);
  c.mime_type = some_str(mime_type);
  c.body.tag = ASTERAI_MCP_TYPES_RESOURCE_BODY_TEXT;
  c.body.val.text = text;
  return c;
}

static resource_contents_t blob_contents(const string_t* uri, const char* mime_type,
                                         const uint8_t* data, size_t size) {
  resource_contents_t c;
  c.uri = str_dup_n((const char*)uri->ptr, uri->len);
  c.mime_type = some_str(mime_type);
  c.body.tag = ASTERAI_MCP_TYPES_RESOURCE_BODY_BLOB;
  c.body.val.blob.ptr = checked_malloc(size);
  memcpy(c.body.val.blob.ptr, data, size);
  c.body.val.blob.len = size;
  return c;
}

// The {id} of test://template/{id}/data: one non-empty path segment. False when `uri` does
// not match the template.
static bool template_id(const string_t* uri, const char** id, size_t* len) {
  size_t prefix = strlen(TEMPLATE_PREFIX), suffix = strlen(TEMPLATE_SUFFIX);
  if (!str_starts_with(uri, TEMPLATE_PREFIX) || uri->len <= prefix + suffix) return false;
  const char* text = (const char*)uri->ptr;
  if (memcmp(text + uri->len - suffix, TEMPLATE_SUFFIX, suffix) != 0) return false;
  *id = text + prefix;
  *len = uri->len - prefix - suffix;
  return memchr(*id, '/', *len) == NULL;
}

// {"id":"ID","templateTest":true,"data":"Data for ID: ID"}, as resources-templates-read has it.
static string_t template_text(const char* id, size_t len) {
  buffer_t json = {0};
  buffer_append(&json, "{\"id\":");
  buffer_append_json_string(&json, id, len);
  buffer_append(&json, ",\"templateTest\":true,\"data\":");
  buffer_t data = {0};
  buffer_append(&data, "Data for ID: ");
  buffer_append_n(&data, id, len);
  buffer_append_json_string(&json, data.ptr, data.len);
  free(data.ptr);
  buffer_append(&json, "}");
  return buffer_take(&json);
}

// The contents of `uri`, or false when there is no such resource.
static bool find(const string_t* uri, resource_contents_t* out) {
  const char* id;
  size_t id_len;
  if (str_eq(uri, "test://static-text"))
    *out = text_contents(uri, "text/plain",
                         str_dup("This is the content of the static text resource."));
  else if (str_eq(uri, "test://static-binary"))
    *out = blob_contents(uri, "image/png", kRedPixelPng, kRedPixelPngSize);
  else if (str_eq(uri, "test://watched-resource"))
    *out = text_contents(uri, "text/plain", str_dup("Watched resource content"));
  else if (template_id(uri, &id, &id_len))
    *out = text_contents(uri, "application/json", template_text(id, id_len));
  else
    return false;
  return true;
}

bool exports_asterai_mcp_resources_read(string_t* uri,
                                        exports_asterai_mcp_resources_list_resource_contents_t* ret,
                                        string_t* err) {
  resource_contents_t contents;
  bool found = find(uri, &contents);
  if (found) {
    ret->ptr = checked_malloc(sizeof contents);
    ret->ptr[0] = contents;
    ret->len = 1;
  } else {
    buffer_t message = {0};
    buffer_append(&message, "Resource not found: ");
    buffer_append_str(&message, uri);
    *err = buffer_take(&message);
  }
  mcp_everything_string_free(uri);
  return found;
}
