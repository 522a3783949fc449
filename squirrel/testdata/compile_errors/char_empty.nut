local e = '';
