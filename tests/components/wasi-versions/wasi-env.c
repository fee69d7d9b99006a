// first-var: "NAME=VALUE" of the first environment variable the host gives, or "" without any;
// read through the wasi:cli/environment import of the version this copy was built for.
#include <stdlib.h>
#include <string.h>

#include "wasi_env.h"

void exports_wasi_env_first_var(wasi_env_string_t* ret) {
  wasi_env_list_tuple2_string_string_t vars;
  wasi_cli_environment_get_environment(&vars);
  ret->ptr = NULL;
  ret->len = 0;
  if (vars.len > 0) {
    const wasi_env_string_t* name = &vars.ptr[0].f0;
    const wasi_env_string_t* value = &vars.ptr[0].f1;
    ret->len = name->len + 1 + value->len;
    ret->ptr = malloc(ret->len);
    memcpy(ret->ptr, name->ptr, name->len);
    ret->ptr[name->len] = '=';
    memcpy(ret->ptr + name->len + 1, value->ptr, value->len);
  }
  wasi_env_list_tuple2_string_string_free(&vars);
}
