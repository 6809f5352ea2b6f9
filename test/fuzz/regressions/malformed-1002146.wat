(module
  (table 14 6 funcref))
