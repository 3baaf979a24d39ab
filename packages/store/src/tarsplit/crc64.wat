;; CRC-64/ISO (Go's hash/crc64 with crc64.ISO), slicing by 8, for tar-split's per-file sums.
;; Memory: the eight 256-entry tables of 8-byte words at 0..16383 (table k at k * 2048, written
;; by the caller), the data from 16384 on. update takes and returns the inverted register.
(module
  (memory (export "memory") 1)
  (func (export "update") (param $crc i64) (param $p i32) (param $n i32) (result i64)
    (local $end i32) (local $v i64)
    (local.set $end (i32.add (local.get $p) (i32.and (local.get $n) (i32.const -8))))
    (block $done
      (loop $eight
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (i64.xor (local.get $crc) (i64.load (local.get $p))))
        (local.set $crc
          (i64.xor (i64.xor (i64.xor (i64.xor (i64.xor (i64.xor (i64.xor (i64.load offset=14336 (i32.shl (i32.wrap_i64 (i64.and (local.get $v) (i64.const 255))) (i32.const 3)))
          (i64.load offset=12288 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $v) (i64.const 8)) (i64.const 255))) (i32.const 3))))
          (i64.load offset=10240 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $v) (i64.const 16)) (i64.const 255))) (i32.const 3))))
          (i64.load offset=8192 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $v) (i64.const 24)) (i64.const 255))) (i32.const 3))))
          (i64.load offset=6144 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $v) (i64.const 32)) (i64.const 255))) (i32.const 3))))
          (i64.load offset=4096 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $v) (i64.const 40)) (i64.const 255))) (i32.const 3))))
          (i64.load offset=2048 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $v) (i64.const 48)) (i64.const 255))) (i32.const 3))))
          (i64.load offset=0 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $v) (i64.const 56)) (i64.const 255))) (i32.const 3)))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $eight)))
    (local.set $end (i32.add (local.get $end) (i32.and (local.get $n) (i32.const 7))))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $crc
          (i64.xor
            (i64.load (i32.shl (i32.wrap_i64 (i64.and (i64.xor (local.get $crc) (i64.load8_u (local.get $p))) (i64.const 255))) (i32.const 3)))
            (i64.shr_u (local.get $crc) (i64.const 8))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $tail)))
    (local.get $crc)))
