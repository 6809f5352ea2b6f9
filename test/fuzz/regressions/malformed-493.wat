(module
  (import "env" "memory" (memory (;0;) 32 4096 shared))
  (memory (;1;) 2))
