(module
  (import "fuzzing-support" "log-i32" (func $log (param i32)))
  (memory 1 1)
  (func $one (result i32) (call $log (i32.const 1)) (i32.const 0))
  (func $two (result i32) (call $log (i32.const 2)) (i32.const 0))
  (func (export "run")
    (i64.store (call $one) (i64.extend_i32_s (call $two)))))
