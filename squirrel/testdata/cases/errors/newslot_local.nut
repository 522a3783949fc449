local t = {};
t <- 5;
