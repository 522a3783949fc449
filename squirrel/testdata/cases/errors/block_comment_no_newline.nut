local v = 1 /* a block comment
over two lines */ local w = 2
