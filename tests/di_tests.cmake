# Tests of the di module (included by tests/CMakeLists.txt).
disync_test(di_test
  SOURCES
    unit/di/generator_test.cc
    unit/di/problems_test.cc
    unit/di/realtime_script_test.cc
    unit/di/task_content_test.cc
    unit/di/task_update_test.cc
    unit/di/type_mapping_test.cc
  LIBS disync::di)
