/* Proves TensorFlow's C API from the PyPI wheel works here: builds y = x*x + c,
 * adds dy/dx with TF_AddGradients, runs a session feeding x, checks y and dy/dx.
 * Usage: tf_c_api_probe [N]  -- N > 0: a ConfigProto with intra_op and inter_op
 * parallelism threads = N (TF_SetConfig); N = 0 or absent: TensorFlow's default.
 * Prints TF_Version() and the threads the session added to this process; with
 * N > 0 they must be 2N (an intra-op and an inter-op pool of N each). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <tensorflow/c/c_api.h>

#define CHECK(what) do { if (TF_GetCode(s) != TF_OK) { \
  fprintf(stderr, "%s: %s\n", what, TF_Message(s)); return 1; } } while (0)

static int threads(void) {  /* entries of /proc/self/task, less . and .. */
  int n = -2; DIR* d = opendir("/proc/self/task");
  if (!d) return -1;
  while (readdir(d)) ++n;
  closedir(d); return n;
}
static TF_Output op1(TF_Graph* g, TF_Status* s, const char* type, const char* name,
                     TF_Output a, TF_Output b, TF_Tensor* value) {
  TF_OperationDescription* d = TF_NewOperation(g, type, name);
  if (a.oper) TF_AddInput(d, a);
  if (b.oper) TF_AddInput(d, b);
  if (!a.oper) TF_SetAttrType(d, "dtype", TF_FLOAT);
  if (value) TF_SetAttrTensor(d, "value", value, s);
  TF_Output o = {TF_FinishOperation(d, s), 0};
  return o;
}

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 0;
  TF_Status* s = TF_NewStatus();
  TF_Graph* g = TF_NewGraph();
  TF_Output none = {0, 0};
  TF_Tensor* c3 = TF_AllocateTensor(TF_FLOAT, NULL, 0, sizeof(float));
  *(float*)TF_TensorData(c3) = 3.0f;
  TF_Output x = op1(g, s, "Placeholder", "x", none, none, NULL); CHECK("Placeholder");
  TF_Output c = op1(g, s, "Const", "c", none, none, c3); CHECK("Const");
  TF_Output xx = op1(g, s, "Mul", "xx", x, x, NULL); CHECK("Mul");
  TF_Output y = op1(g, s, "AddV2", "y", xx, c, NULL); CHECK("AddV2");
  TF_Output dydx;
  TF_AddGradients(g, &y, 1, &x, 1, NULL, s, &dydx); CHECK("TF_AddGradients");

  TF_SessionOptions* so = TF_NewSessionOptions();
  /* ConfigProto: field 2 intra_op_parallelism_threads, field 5
   * inter_op_parallelism_threads, both varint: tag (field << 3 | 0), value. */
  unsigned char config[] = {0x10, (unsigned char)n, 0x28, (unsigned char)n};
  if (n < 0 || n > 127) { fprintf(stderr, "N must be 0..127\n"); return 1; }
  if (n > 0) { TF_SetConfig(so, config, sizeof config, s); CHECK("TF_SetConfig"); }
  int before = threads();
  TF_Session* sess = TF_NewSession(g, so, s); CHECK("TF_NewSession");

  TF_Tensor* x2 = TF_AllocateTensor(TF_FLOAT, NULL, 0, sizeof(float));
  *(float*)TF_TensorData(x2) = 2.0f;
  TF_Output fetch[2] = {y, dydx};
  TF_Tensor* out[2] = {NULL, NULL};
  TF_SessionRun(sess, NULL, &x, &x2, 1, fetch, out, 2, NULL, 0, NULL, s);
  CHECK("TF_SessionRun");
  float yv = *(float*)TF_TensorData(out[0]), gv = *(float*)TF_TensorData(out[1]);
  int ok = yv == 7.0f && gv == 4.0f, added = threads() - before;
  printf("TF_Version %s; x=2: y=%g (want 7), dy/dx=%g (want 4): %s\n",
         TF_Version(), yv, gv, ok ? "ok" : "WRONG");
  printf("intra_op/inter_op threads %d%s: the session added %d threads%s\n", n,
         n ? "" : " (TensorFlow's default)", added,
         n == 0 ? "" : added == 2 * n ? " (want 2N): ok" : " (want 2N): WRONG");
  ok = ok && (n == 0 || added == 2 * n);

  TF_DeleteTensor(out[0]); TF_DeleteTensor(out[1]); TF_DeleteTensor(x2); TF_DeleteTensor(c3);
  TF_CloseSession(sess, s); TF_DeleteSession(sess, s); CHECK("TF_DeleteSession");
  TF_DeleteSessionOptions(so); TF_DeleteGraph(g); TF_DeleteStatus(s);
  return ok ? 0 : 1;
}
