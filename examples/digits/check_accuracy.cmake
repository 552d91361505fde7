# Runs tensorplug-digits --json once per image_data_format, each with its own
# keras.json under $ENV{KERAS_HOME}/<format>, and checks the test accuracy:
#   cmake -DPROGRAM=... -DMODEL=mlp|cnn -DEPOCHS=N -DFORMATS=a,b
#         -DMIN_ACCURACY=0.90 [-DMAX_SPREAD=0.01] -P check_accuracy.cmake
cmake_minimum_required(VERSION 3.25)
foreach(var PROGRAM MODEL EPOCHS FORMATS MIN_ACCURACY)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_accuracy.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED ENV{KERAS_HOME})
  message(FATAL_ERROR "check_accuracy.cmake: KERAS_HOME must be set")
endif()
set(base "$ENV{KERAS_HOME}")
string(REPLACE "," ";" FORMATS "${FORMATS}")
# The default backend, whatever the caller's environment says.
unset(ENV{KERAS_BACKEND})

set(accuracies "")
foreach(format IN LISTS FORMATS)
  set(home "${base}/${format}")
  file(REMOVE_RECURSE "${home}")
  file(MAKE_DIRECTORY "${home}")
  file(WRITE "${home}/keras.json" "{
    \"backend\": \"reference\",
    \"floatx\": \"float32\",
    \"epsilon\": 1e-07,
    \"image_data_format\": \"${format}\"
}
")
  set(ENV{KERAS_HOME} "${home}")
  execute_process(
    COMMAND "${PROGRAM}" --model ${MODEL} --epochs ${EPOCHS} --seed 1 --json
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${MODEL} (${format}) failed with ${rc}:\n${err}${out}")
  endif()
  string(JSON accuracy ERROR_VARIABLE json_error GET "${out}" test_accuracy)
  if(json_error)
    message(FATAL_ERROR "${MODEL} (${format}): no JSON result (${json_error}):\n${out}")
  endif()
  string(JSON seconds GET "${out}" seconds)
  string(JSON used_format GET "${out}" image_data_format)
  message(STATUS "${MODEL} ${format}: test accuracy ${accuracy} in ${seconds} s")
  if(NOT used_format STREQUAL format)
    message(FATAL_ERROR "${MODEL}: ran with ${used_format}, configured ${format}")
  endif()
  if(accuracy LESS MIN_ACCURACY)
    message(FATAL_ERROR "${MODEL} (${format}): test accuracy ${accuracy} < ${MIN_ACCURACY}")
  endif()
  list(APPEND accuracies ${accuracy})
endforeach()

if(DEFINED MAX_SPREAD)
  # CMake has no floating-point arithmetic: compare in millionths.
  function(to_millionths text out)
    string(REGEX MATCH "^([0-9]*)\\.?([0-9]*)" _ "${text}")
    set(whole "${CMAKE_MATCH_1}")
    set(frac "${CMAKE_MATCH_2}000000")
    string(SUBSTRING "${frac}" 0 6 frac)
    if(whole STREQUAL "")
      set(whole 0)
    endif()
    math(EXPR v "${whole} * 1000000 + 1${frac} - 1000000")
    set(${out} ${v} PARENT_SCOPE)
  endfunction()
  set(scaled "")
  foreach(a IN LISTS accuracies)
    to_millionths("${a}" v)
    list(APPEND scaled ${v})
  endforeach()
  list(SORT scaled COMPARE NATURAL)
  list(GET scaled 0 lo)
  list(GET scaled -1 hi)
  to_millionths("${MAX_SPREAD}" limit)
  math(EXPR spread "${hi} - ${lo}")
  if(spread GREATER limit)
    message(FATAL_ERROR "${MODEL}: accuracies ${accuracies} differ by more than ${MAX_SPREAD}")
  endif()
  message(STATUS "${MODEL}: accuracies ${accuracies} within ${MAX_SPREAD}")
endif()
