local flags = 0;
flags |= 4;
