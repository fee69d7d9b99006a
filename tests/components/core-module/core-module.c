// A plain core WebAssembly module (no component wrapper): the runtime must reject it with a
// clear "this is a core module, not a component" error instead of trying to run it.
// It exports one ordinary function so it is a realistic reactor module, not an empty one.
__attribute__((export_name("add"))) int add(int a, int b) {
  return (int)((unsigned)a + (unsigned)b);  // wraps like the component's add
}
