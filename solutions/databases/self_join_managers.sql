-- LEFT JOIN: employees without a manager stay, with a NULL manager.
SELECT e.name AS employee,
       m.name AS manager
  FROM employees AS e
  LEFT JOIN employees AS m ON m.id = e.manager_id;
