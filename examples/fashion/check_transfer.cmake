# Trains tensorplug-fashion on a slice of the data with one backend, saves
# the variables, loads them on each other backend with --epochs 0, and
# checks that every backend gets the test accuracy the first one reported:
#   cmake -DPROGRAM=... -DMODEL=cnn|mlp -DTRAIN=a -DEVALUATE=b,c
#         [-DTRAIN_SIZE=2000] [-DTEST_SIZE=500] -DWORK=dir -P check_transfer.cmake
# Differently ordered float sums may move an image that sits on a decision
# boundary, so "the same" allows one test image in TEST_SIZE.
cmake_minimum_required(VERSION 3.25)
foreach(var PROGRAM MODEL TRAIN EVALUATE WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_transfer.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED TRAIN_SIZE)
  set(TRAIN_SIZE 2000)
endif()
if(NOT DEFINED TEST_SIZE)
  set(TEST_SIZE 500)
endif()
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(ENV{KERAS_HOME} "${WORK}")
unset(ENV{KERAS_BACKEND})
set(saved "${WORK}/${MODEL}.safetensors")

function(run backend)
  # Under ASan (the asan preset sets ASAN_OPTIONS), LeakSanitizer's exit-time
  # scan can crash in its own tracer ("Tracer caught signal 11") while
  # libtorch's thread pools exist, after a correct result; leak checking
  # stays on for the other backends.
  # The same for TensorFlow's.
  if(backend MATCHES "^(torch|tensorflow)$" AND DEFINED ENV{ASAN_OPTIONS})
    set(ENV{ASAN_OPTIONS} "$ENV{ASAN_OPTIONS}:detect_leaks=0")
  endif()
  execute_process(
    COMMAND "${PROGRAM}" --backend ${backend} --model ${MODEL} --seed 1
            --test-size ${TEST_SIZE} --json ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${backend} (${ARGN}) failed with ${rc}:\n${err}${out}")
  endif()
  string(JSON correct ERROR_VARIABLE json_error GET "${out}" test_correct)
  if(json_error)
    message(FATAL_ERROR "${backend}: no JSON result (${json_error}):\n${out}")
  endif()
  set(correct ${correct} PARENT_SCOPE)
endfunction()

run(${TRAIN} --epochs 1 --train-size ${TRAIN_SIZE} --validation 200
    --save "${saved}")
set(trained ${correct})
message(STATUS "${TRAIN}: trained ${MODEL}, ${trained}/${TEST_SIZE} test images right")
if(NOT EXISTS "${saved}")
  message(FATAL_ERROR "${TRAIN} did not write ${saved}")
endif()
math(EXPR half "${TEST_SIZE} / 2")
if(trained LESS_EQUAL half)
  message(FATAL_ERROR "${TRAIN} learned nothing: ${trained}/${TEST_SIZE}")
endif()
# The same variables loaded back on the same backend, then on the others.
string(REPLACE "," ";" EVALUATE "${EVALUATE}")
foreach(backend IN ITEMS ${TRAIN} ${EVALUATE})
  run(${backend} --epochs 0 --validation 0 --load "${saved}")
  math(EXPR diff "${correct} - ${trained}")
  message(STATUS "${backend}: loaded, ${correct}/${TEST_SIZE} right")
  if(diff GREATER 1 OR diff LESS -1)
    message(FATAL_ERROR "${backend} loaded the variables ${TRAIN} saved and "
      "got ${correct}/${TEST_SIZE} test images right, ${TRAIN} got ${trained}")
  endif()
endforeach()
